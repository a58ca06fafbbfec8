import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The npm package `mcp-hub` the gateway bench compares against, pinned so runs stay comparable. */
export const PEER_PACKAGE = 'mcp-hub@4.2.1';

/**
 * Installs the peer into its own folder (var/bench-peer, gitignored) on first use and returns its CLI.
 * Not a devDependency: its `mcp-hub` bin would shadow this project's CLI in node_modules/.bin.
 */
export function ensurePeerHub(root: string): string {
  const prefix = join(root, 'var', 'bench-peer');
  const cli = join(prefix, 'node_modules', 'mcp-hub', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    console.log(`[bench] installing ${PEER_PACKAGE} into ${prefix}`);
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', PEER_PACKAGE], { stdio: 'inherit' });
  }
  return cli;
}
