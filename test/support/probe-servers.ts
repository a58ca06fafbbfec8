import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ROOT, sleep } from './hub-process';
import { portOpen } from './mcp-servers';

/** The hub's own small MCP test server (test/support/servers/probe-server.js); its header says what it does. */
export const PROBE_BIN = join(ROOT, 'test/support/servers/probe-server.js');

/** A servers-file entry that runs the probe over stdio with these PROBE_* settings. */
export function probeServer(env: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return { command: process.execPath, args: [PROBE_BIN], env, ...extra };
}

/** The probe over Streamable HTTP on its own port (one SDK server per session), started by the test. */
export class ProbeHttpServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async started(env: Record<string, string> = {}): Promise<ProbeHttpServer> {
    const port = await freePort();
    const child = spawn(process.execPath, [PROBE_BIN], { env: { ...process.env, ...env, PROBE_HTTP_PORT: String(port) }, stdio: 'ignore' });
    for (let i = 0; i < 200 && !(await portOpen(port)); i++) await sleep(50);
    return new ProbeHttpServer(child, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
