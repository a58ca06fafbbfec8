import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function findPackageVersion(): string {
  for (const up of [['..', '..'], ['..', '..', '..']]) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, ...up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // try the next level: src/platform (ts) vs dist/src/platform (js)
    }
  }
  return '0.0.0';
}

export const HUB_VERSION = findPackageVersion();
