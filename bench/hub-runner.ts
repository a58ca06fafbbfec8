import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';
import { EVERYTHING_BIN } from '../test/support/mcp-servers';
import { dropDatabase, freshDatabaseUrl } from '../test/support/test-database';
import { deleteRedisKeys } from './support';

const ROOT = join(__dirname, '..');

/** The Node.js flags `npm start` runs the hub with (read from package.json), so benchmarks measure the same process; BENCH_HUB_NODE_FLAGS tries others. */
export const HUB_NODE_FLAGS: string[] = process.env.BENCH_HUB_NODE_FLAGS?.split(' ').filter(Boolean) ?? (require('../package.json') as { scripts: { start: string } }).scripts.start.split(' ').filter((arg) => arg.startsWith('--'));

export interface RunningProcess {
  port: number;
  pid: number;
  dir: string;
  /** REDIS_KEY_PREFIX of the process: its telemetry stream is `<prefix>telemetry:events`. */
  redisKeyPrefix: string;
  stop: () => Promise<void>;
}

/** Writes an mcpServers file with server-everything over stdio. */
export async function everythingServersFile(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-'));
  const file = join(dir, 'servers.json');
  await writeFile(file, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }));
  return { dir, file };
}

/**
 * The built hub on a free port with its own database and Redis key prefix (unless `env` names one:
 * replicas share theirs), serving server-everything over stdio; `env` adds or overrides variables.
 * A telemetry stream left by another run would otherwise be consumed, and charged, here.
 */
export async function startHub(extraArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningProcess> {
  const { dir, file } = await everythingServersFile();
  const databaseUrl = freshDatabaseUrl();
  const port = await freePort();
  const ownPrefix = env.REDIS_KEY_PREFIX ? undefined : `bench-hub-${process.pid}-${port}:`;
  const child = spawn(process.execPath, [...HUB_NODE_FLAGS, ...extraArgs, join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, MCP_SERVERS_CONFIG: file, NODE_ENV: 'production', AUTH_MODE: 'none', ...(ownPrefix ? { REDIS_KEY_PREFIX: ownPrefix } : {}), ...env },
    stdio: 'ignore',
  });
  await waitFor(`http://127.0.0.1:${port}/api/tools/everything/echo`, child);
  return {
    port,
    pid: child.pid!,
    dir,
    redisKeyPrefix: ownPrefix ?? env.REDIS_KEY_PREFIX,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
      await dropDatabase(databaseUrl);
      if (ownPrefix) await deleteRedisKeys(ownPrefix);
    },
  };
}

/** Runs a script of bench/ that prints `ready <port>` once it listens (a floor, a proxy); resolves with its port. */
export async function startReadyScript(script: string, args: string[] = []): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (line: string) => {
      const ready = /ready (\d+)/.exec(line);
      if (ready) resolve(Number(ready[1]));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { port, child };
}

/** Polls a URL until it answers 200 (or the process dies). */
export async function waitFor(url: string, child: ChildProcess, attempts = 600): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} never answered`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
