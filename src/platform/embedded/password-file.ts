import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The generated password an embedded server was set up with, kept inside its data directory. */
const PASSWORD_FILE = 'mcp-hub-password';

export const passwordFileIn = (dataDir: string) => join(dataDir, PASSWORD_FILE);

/** The password stored in the data directory; undefined before the first start. */
export async function readPasswordFile(dataDir: string): Promise<string | undefined> {
  return (await readFile(passwordFileIn(dataDir), 'utf8').catch(() => '')).trim() || undefined;
}

export function writePasswordFile(dataDir: string, password: string): Promise<void> {
  return writeFile(passwordFileIn(dataDir), `${password}\n`, { mode: 0o600 });
}
