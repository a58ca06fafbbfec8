import { randomBytes } from 'node:crypto';
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { ProcessIdentity, currentProcess, isSameProcessRunning, parseIdentity } from './process-identity';

/** How long a lock file that names no process (empty, cut short, unreadable) counts as held. */
const UNNAMED_LOCK_GRACE_MS = 10_000;

interface LockRecord extends ProcessIdentity {
  /** Tells this acquisition from any other, even one by the same process. */
  nonce: string;
}

type Holder = { kind: 'gone' } | { kind: 'held'; by: string } | { kind: 'stale'; text: string };

/**
 * A lock file held by one process at a time, created with its holder already written into it:
 * the record goes to a file of our own first, which is then hard-linked to the lock's name (link
 * fails when the name exists), so no one ever reads a lock without its holder.
 */
async function createExclusive(file: string, text: string, nonce: string): Promise<boolean> {
  const own = `${file}.${process.pid}.${nonce}`;
  await writeFile(own, text, { mode: 0o600 });
  try {
    await link(own, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(own, { force: true });
  }
}

async function inspect(file: string, graceMs: number): Promise<Holder> {
  let text: string;
  let modified: number;
  try {
    [text, modified] = await Promise.all([readFile(file, 'utf8'), stat(file).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw error;
  }
  let holder: ProcessIdentity | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    // a bare pid: a lock written by an earlier version of the hub
    holder = typeof parsed === 'number' ? parseIdentity({ pid: parsed }) : parseIdentity(parsed);
  } catch {
    holder = undefined;
  }
  if (!holder) return Date.now() - modified < graceMs ? { kind: 'held', by: 'a process that has not named itself yet' } : { kind: 'stale', text };
  return isSameProcessRunning(holder) ? { kind: 'held', by: `process ${holder.pid}` } : { kind: 'stale', text };
}

/**
 * Removes a lock whose holder is gone, unless it changed since it was judged stale. Takers go one
 * at a time (`<lock>.takeover`), so one taker cannot remove the lock another has just created.
 */
async function removeStale(file: string, judged: string, graceMs: number): Promise<void> {
  const guard = `${file}.takeover`;
  const nonce = randomBytes(8).toString('hex');
  if (!(await createExclusive(guard, JSON.stringify({ ...currentProcess(), nonce }), nonce))) {
    // a taker that died within these few lines leaves its guard behind
    if ((await inspect(guard, graceMs)).kind === 'stale') await rm(guard, { force: true });
    return;
  }
  try {
    const now = await readFile(file, 'utf8').catch(() => undefined);
    if (now === judged) await rm(file, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * `<dir>.lock`, held while a hub process checks for a running server, starts, joins or leaves one, so
 * that two processes neither initialise nor start the same data directory twice, nor stop a server
 * the other has just joined. A lock whose holder is gone (pid and start time) is taken over.
 */
export class StartLock {
  private constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  static async acquire(file: string, timeoutMs: number, graceMs = UNNAMED_LOCK_GRACE_MS): Promise<StartLock> {
    const nonce = randomBytes(8).toString('hex');
    const text = JSON.stringify({ ...currentProcess(), nonce } satisfies LockRecord);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await createExclusive(file, text, nonce)) return new StartLock(file, text);
      const holder = await inspect(file, graceMs);
      if (holder.kind === 'gone') continue;
      if (holder.kind === 'stale') await removeStale(file, holder.text, graceMs);
      if (Date.now() > deadline) {
        throw new Error(`${file} is held by ${holder.kind === 'held' ? holder.by : 'a process that is gone, and it could not be removed'}; waited ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    if ((await readFile(this.file, 'utf8').catch(() => undefined)) === this.text) await rm(this.file, { force: true });
  }
}
