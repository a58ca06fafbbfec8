import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentProcess } from './process-identity';
import { StartLock } from './start-lock';

/** A child process that takes the lock `rounds` times, marking each critical section in `log`; `dieAt` round: killed inside it. */
const CONTENDER = `
const { appendFileSync } = require('node:fs');
const { StartLock } = require(process.env.LOCK_MODULE);
const [file, log, rounds, dieAt] = process.argv.slice(1);
(async () => {
  for (let round = 0; round < Number(rounds); round++) {
    const lock = await StartLock.acquire(file, 120000, 500);
    appendFileSync(log, 'enter ' + process.pid + '\\n');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    if (round === Number(dieAt)) {
      appendFileSync(log, 'die ' + process.pid + '\\n');
      process.kill(process.pid, 'SIGKILL');
    }
    appendFileSync(log, 'exit ' + process.pid + '\\n');
    await lock.release();
  }
})();
`;

function contender(file: string, log: string, rounds: number, dieAt = -1): Promise<number | null> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', CONTENDER, file, log, String(rounds), String(dieAt)], {
    env: { ...process.env, LOCK_MODULE: process.env.LOCK_MODULE ?? join(__dirname, 'start-lock.ts'), TS_NODE_PROJECT: join(__dirname, '..', '..', '..', 'tsconfig.json') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Critical sections as [pid, how it ended]; throws when one began before the previous ended. */
function sections(log: string): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  let inside: string | undefined;
  for (const line of log.trim().split('\n')) {
    const [event, pid] = line.split(' ');
    if (event === 'enter') {
      if (inside !== undefined) throw new Error(`process ${pid} entered while process ${inside} was inside`);
      inside = pid;
    } else {
      if (inside !== pid) throw new Error(`process ${pid} left a section it was not in (${inside ?? 'none'} was)`);
      result.push([pid, event]);
      inside = undefined;
    }
  }
  return result;
}

describe('StartLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'start-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets one of 8 contending processes in at a time, 200 times over', async () => {
    const log = join(dir, 'log');
    await writeFile(log, '');
    const codes = await Promise.all(Array.from({ length: 8 }, () => contender(join(dir, 'service.lock'), log, 25)));
    expect(codes).toEqual(Array(8).fill(0));
    const done = sections(await readFile(log, 'utf8'));
    expect(done).toHaveLength(200);
    expect(done.every(([, how]) => how === 'exit')).toBe(true);
  }, 120_000);

  it('when holders are killed inside, the waiters take the lock over one at a time', async () => {
    const log = join(dir, 'log');
    await writeFile(log, '');
    // 5 of 10 die while holding it (after 2, 4, … rounds), leaving stale locks that several waiters find at once
    const codes = await Promise.all(Array.from({ length: 10 }, (_, i) => contender(join(dir, 'service.lock'), log, 12, i % 2 === 0 ? 2 + i : -1)));
    expect(codes.filter((code) => code === 0)).toHaveLength(5);
    const done = sections(await readFile(log, 'utf8'));
    expect(done.filter(([, how]) => how === 'die')).toHaveLength(5);
    expect(done.filter(([, how]) => how === 'exit')).toHaveLength(5 * 12 + [2, 4, 6, 8, 10].reduce((sum, n) => sum + n, 0));
  }, 120_000);

  it('an empty lock file (its creator has not named itself) counts as held until the grace period ends', async () => {
    const file = join(dir, 'service.lock');
    await writeFile(file, '');
    await expect(StartLock.acquire(file, 300, 10_000)).rejects.toThrow(/held by a process that has not named itself yet/);
    const old = new Date(Date.now() - 20_000);
    await utimes(file, old, old);
    const lock = await StartLock.acquire(file, 300, 10_000);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject(currentProcess());
    await lock.release();
  });

  it('takes over a lock naming our own pid with another start time (a previous life of this container), not one naming us', async () => {
    const file = join(dir, 'service.lock');
    await writeFile(file, JSON.stringify({ pid: process.pid, start: '1', nonce: 'earlier' }));
    const lock = await StartLock.acquire(file, 300);
    await lock.release();
    await writeFile(file, JSON.stringify({ ...currentProcess(), nonce: 'other' }));
    await expect(StartLock.acquire(file, 300)).rejects.toThrow(`held by process ${process.pid}`);
  });

  it('release leaves a lock that is no longer ours', async () => {
    const file = join(dir, 'service.lock');
    const lock = await StartLock.acquire(file, 300);
    const someoneElse = JSON.stringify({ ...currentProcess(), nonce: 'someone-else' });
    await writeFile(file, someoneElse);
    await lock.release();
    expect(await readFile(file, 'utf8')).toBe(someoneElse);
    await rm(file);
    const second = await StartLock.acquire(file, 300);
    await second.release();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });
});
