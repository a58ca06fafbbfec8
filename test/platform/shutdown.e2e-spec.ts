import { jsonOf } from '../support/http';
import { SHUTDOWN_PHASES } from '../../src/platform/shutdown/shutdown-phase';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';
import { HubProcess, LogLine, sleep } from '../support/hub-process';

const POOL_ENDED = 'Cannot use a pool after calling end on the pool';

async function waitForSleepingQuery(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  for (let i = 0; i < 200; i++) {
    const rows = await queryDatabase(databaseUrl, `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep(%' AND pid <> pg_backend_pid()`, [name]);
    if (rows.length > 0) return;
    await sleep(25);
  }
  throw new Error('the pg_sleep query never started');
}

function startSleepRequest(hub: HubProcess, seconds: number): Promise<Response> {
  return fetch(hub.url('/api/debug/database-sleep'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'in-flight' },
    body: JSON.stringify({ seconds }),
  });
}

const phaseEvents = (logs: LogLine[]) =>
  logs.filter((l) => l.context === 'Shutdown' && /^Shutdown phase \w+ (started|finished|timed out)/.test(l.msg)).map((l) => l.msg.split(/:| in | after /)[0]);

describe('ordered shutdown on SIGTERM (built hub, real PostgreSQL)', () => {
  const databaseUrl = freshDatabaseUrl();
  afterAll(() => dropDatabase(databaseUrl));

  it('drains in-flight work holding a PostgreSQL query, answers 503 on readiness meanwhile, runs the phases in order and exits 0', async () => {
    const hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `test-shutdown-${process.pid}:`, DEBUG_ROUTES_ENABLED: 'true' });
    try {
      const inFlight = startSleepRequest(hub, 1.5);
      await waitForSleepingQuery(databaseUrl);

      hub.signal('SIGTERM');
      await hub.waitForLog((l) => l.msg.startsWith('Shutdown phase ingress started'));
      const readiness = await fetch(hub.url('/api/health/ready'));
      const lateRequest = await fetch(hub.url('/api/debug/database-sleep'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seconds":0}' });

      const response = await inFlight;
      const { code } = await hub.exited;

      expect(readiness.status).toBe(503);
      expect(await jsonOf(readiness)).toMatchObject({ status: 'shutting_down' });
      expect(lateRequest.status).toBe(503);
      expect(await jsonOf(lateRequest)).toMatchObject({ code: 'SHUTTING_DOWN' });
      expect(response.status).toBe(200);
      expect(await jsonOf(response)).toMatchObject({ sleptSeconds: 1.5 });
      expect(code).toBe(0);

      expect(phaseEvents(hub.logs)).toEqual(SHUTDOWN_PHASES.flatMap((p) => [`Shutdown phase ${p} started`, `Shutdown phase ${p} finished`]));
      const completed = hub.logs.findIndex((l) => l.requestId === 'in-flight' && l.msg === 'request completed');
      const producersStarted = hub.logs.findIndex((l) => l.msg.startsWith('Shutdown phase producers started'));
      expect(completed).toBeGreaterThan(-1);
      expect(completed).toBeLessThan(producersStarted);
      expect(hub.logs.find((l) => l.msg.startsWith('Shutdown phase database started'))?.msg).toContain('postgres-pool');
      expect(hub.logs.filter((l) => l.level >= 50)).toEqual([]);
      expect(hub.output).not.toContain(POOL_ENDED);

      const [instance] = await queryDatabase<{ stopped_at: Date | null }>(databaseUrl, 'SELECT stopped_at FROM mcp_hub.hub_instances WHERE pid = $1', [hub.pid]);
      expect(instance.stopped_at).toBeInstanceOf(Date);
    } finally {
      await hub.stop();
    }
  });

  it('logs a phase that overruns its timeout by name, still runs the later phases, closes the pool last and exits non-zero', async () => {
    const hub = await HubProcess.start({
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: `test-shutdown-overrun-${process.pid}:`,
      DEBUG_ROUTES_ENABLED: 'true',
      SHUTDOWN_DRAIN_TIMEOUT_MS: '200',
    });
    try {
      const inFlight = startSleepRequest(hub, 2).catch((error: Error) => error);
      await waitForSleepingQuery(databaseUrl);

      hub.signal('SIGTERM');
      const { code } = await hub.exited;
      await inFlight;

      expect(code).toBe(1);
      const timedOut = hub.logs.find((l) => l.msg.startsWith('Shutdown phase ingress timed out'));
      expect(timedOut?.msg).toBe('Shutdown phase ingress timed out after 200 ms; still running: http-server');
      expect(timedOut?.level).toBe(50);
      expect(phaseEvents(hub.logs)).toEqual([
        'Shutdown phase ingress started',
        'Shutdown phase ingress timed out',
        ...SHUTDOWN_PHASES.slice(1).flatMap((p) => [`Shutdown phase ${p} started`, `Shutdown phase ${p} finished`]),
      ]);
      const summary = hub.logs.find((l) => l.msg.startsWith('Shutdown finished with problems'));
      expect(summary?.msg).toContain('ingress=timeout');
      expect(summary?.msg).toContain('database=ok');
      expect(hub.output).not.toContain(POOL_ENDED);
    } finally {
      await hub.stop();
    }
  });
});
