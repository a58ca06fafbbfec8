import { join } from 'node:path';
import { ROOT } from './hub-process';

/** The hub's own small MCP test server (test/support/servers/probe-server.js); its header says what it does. */
export const PROBE_BIN = join(ROOT, 'test/support/servers/probe-server.js');

/** A servers-file entry that runs the probe over stdio with these PROBE_* settings. */
export function probeServer(env: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return { command: process.execPath, args: [PROBE_BIN], env, ...extra };
}
