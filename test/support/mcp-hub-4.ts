import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './hub-process';

const run = promisify(execFile);
const VERSION = '4.2.1';
const CACHE = join(ROOT, 'node_modules/.cache', `mcp-hub-${VERSION}`);

/**
 * mcp-hub 4.2.1 itself, for comparing with it: fetched from the npm registry once into node_modules/.cache
 * (a dev dependency would put its `mcp-hub` on the checkout's PATH in place of this project's). Its
 * package is one bundled file with no dependencies to install.
 */
export async function mcpHub421(): Promise<string> {
  const cli = join(CACHE, 'package/dist/cli.js');
  if (existsSync(cli)) return cli;
  await mkdir(CACHE, { recursive: true });
  await run('npm', ['pack', `mcp-hub@${VERSION}`, '--pack-destination', CACHE, '--silent'], { cwd: CACHE, timeout: 180_000 });
  await run('tar', ['xzf', `mcp-hub-${VERSION}.tgz`], { cwd: CACHE, timeout: 60_000 });
  return cli;
}
