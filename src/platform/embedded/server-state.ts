import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { isProcessAlive } from './process-alive';

/**
 * `<dir>.json` beside a service's data directory: the port it last used (tried first on the next start)
 * and, while it runs, the server's pid and the pid of the hub process that stops it (`owner`).
 */
export interface ServerState {
  port?: number;
  pid?: number;
  owner?: number;
}

export async function readServerState(file: string): Promise<ServerState> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as ServerState;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

export async function writeServerState(file: string, state: ServerState): Promise<void> {
  await writeFile(file, `${JSON.stringify(state)}\n`, { mode: 0o600 });
}

/**
 * `<dir>.lock`, held while a hub process checks for a running server and starts one, so two processes
 * starting at once neither initialise nor start the same data directory twice. A lock whose holder
 * died is taken over.
 */
export class StartLock {
  private constructor(private readonly file: string) {}

  static async acquire(file: string, timeoutMs: number): Promise<StartLock> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const handle = await open(file, 'wx', 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        return new StartLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (!Number.isInteger(holder) || holder <= 0 || !isProcessAlive(holder)) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${file} is held by process ${holder}, which has been starting this service for over ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
