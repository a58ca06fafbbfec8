import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/hub-process';

const run = promisify(execFile);
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** A dependency with a bin named mcp-hub (npm's `mcp-hub`, once a devDependency for a bench) would shadow this CLI. */
describe('which mcp-hub runs inside a checkout', () => {
  it('`npx mcp-hub --version` from the project root prints this project\'s version', async () => {
    // --no: never download a package to satisfy the command.
    const { stdout } = await run('npx', ['--no', '--', 'mcp-hub', '--version'], { cwd: ROOT, env: process.env });
    expect(stdout.trim()).toBe(version);
  });

  it('an npm script that says `mcp-hub` finds no other package\'s mcp-hub on its PATH', async () => {
    // npm exec -c resolves a command the way npm scripts do: node_modules/.bin first on PATH.
    const { stdout } = await run('npm', ['exec', '--no', '-c', 'command -v mcp-hub && mcp-hub --version || echo none'], { cwd: ROOT, env: process.env });
    const lines = stdout.trim().split('\n');
    if (lines[0] === 'none') return;
    expect({ path: lines[0], version: lines[1] }).toEqual({ path: lines[0], version });
  });
});
