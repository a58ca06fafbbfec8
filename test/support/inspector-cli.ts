import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './hub-process';

const run = promisify(execFile);
const CLI = join(ROOT, 'node_modules/@modelcontextprotocol/inspector-cli/build/index.js');

/**
 * Runs the MCP Inspector CLI (`mcp-inspector-cli <url> --method ...`) and parses its JSON output.
 * It looks for its package.json relative to the working directory, hence the cwd.
 */
export async function inspectorCli(url: string, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [CLI, url, ...args], { cwd: dirname(CLI), timeout: 30000 });
  return JSON.parse(stdout);
}
