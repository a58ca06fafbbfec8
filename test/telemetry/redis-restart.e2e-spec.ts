import Redis from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import { freePort } from '../support/free-port';
import { jsonOf } from '../support/http';
import { HubApi } from '../support/hub-api';
import { HubProcess, sleep } from '../support/hub-process';
import { RedisServer } from '../support/redis-server';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';

type Phase = 'before' | 'outage' | 'after';

async function storedOf(databaseUrl: string, ids: string[]): Promise<number> {
  const [row] = await queryDatabase<{ n: string }>(databaseUrl, `SELECT count(*) AS n FROM mcp_hub.telemetry_events WHERE id = ANY($1::uuid[])`, [ids]);
  return Number(row.n);
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}; last: ${JSON.stringify(last)}`);
    await sleep(100);
    last = await read();
  }
  return last;
}

/** Several clients posting batches of events to POST /api/telemetry/events, each noting the phase it was sent in. */
class EventTraffic {
  phase: Phase = 'before';
  readonly accepted: Record<Phase, string[]> = { before: [], outage: [], after: [] };
  /** Answers other than 202, and other than 503 (Redis unreachable: during the outage and until the hub has reconnected). */
  readonly failures: Record<Phase, number> = { before: 0, outage: 0, after: 0 };
  readonly unavailable: Record<Phase, number> = { before: 0, outage: 0, after: 0 };
  private running = true;
  private readonly workers: Promise<void>[];

  constructor(
    private readonly api: HubApi,
    clients: number,
    private readonly batch: number,
  ) {
    this.workers = Array.from({ length: clients }, () => this.run());
  }

  private async run(): Promise<void> {
    while (this.running) {
      const phase = this.phase;
      const events = Array.from({ length: this.batch }, () => ({ id: uuidv7(), source: 'test/redis-restart', type: 'ml.prediction', data: { phase } }));
      const response = await this.api.send('POST', '/api/telemetry/events', events).catch(() => ({ status: 0, body: undefined }));
      if (response.status === 202) this.accepted[phase].push(...(response.body.ids as string[]));
      else if (response.status === 503) this.unavailable[phase]++;
      else this.failures[phase]++;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }
}

describe('telemetry when Redis restarts empty or refuses the consumer', () => {
  const databaseUrl = freshDatabaseUrl();
  let server: RedisServer;
  let hub: HubProcess;
  let api: HubApi;

  const telemetryHealth = async () => {
    const response = await fetch(hub.url('/api/health'));
    const body = await jsonOf(response);
    return { httpStatus: response.status, status: body.status as string, telemetry: body.details.telemetry as { status: string; error?: string; lastError?: string; lastReadAgeMs?: number } };
  };

  beforeAll(async () => {
    server = new RedisServer(await freePort());
    await server.start();
    hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_URL: server.url });
    api = new HubApi(hub);
  });

  afterAll(async () => {
    await hub?.stop();
    await server?.stop();
    await dropDatabase(databaseUrl);
  });

  it('recreates the consumer group after Redis comes back without data, and stores every event accepted after the restart', async () => {
    const traffic = new EventTraffic(api, 4, 20);
    try {
      await waitFor(async () => traffic.accepted.before.length, (n) => n >= 400, 30_000, 'no events accepted before the restart');
      await waitFor(() => storedOf(databaseUrl, traffic.accepted.before), (n) => n > 0, 30_000, 'nothing stored before the restart');

      traffic.phase = 'outage';
      await server.stop();
      await hub.waitForLog((l) => l.context === 'Redis' && /connection to 127\.0\.0\.1:\d+ lost/.test(l.msg));
      await server.start();
      traffic.phase = 'after';

      await waitFor(async () => traffic.accepted.after.length, (n) => n >= 2000, 60_000, 'too few events accepted after the restart');
    } finally {
      await traffic.stop();
    }

    const after = traffic.accepted.after;
    expect(traffic.failures.after).toBe(0);
    await waitFor(() => storedOf(databaseUrl, after), (n) => n === after.length, 30_000, `not all ${after.length} events accepted after the restart were stored`);
    expect(hub.logs.some((l) => l.context === 'TelemetryConsumer' && l.msg.startsWith('Consumer group telemetry-writers') && l.msg.includes('creating it again'))).toBe(true);

    const health = await waitFor(telemetryHealth, (h) => h.telemetry.status === 'up', 10_000, 'telemetry never reported up again');
    expect(health.telemetry.lastError).toBeUndefined();
    expect(health.telemetry.lastReadAgeMs).toEqual(expect.any(Number));
  }, 180_000);

  it('answers ingest with 503 naming Redis while it is away, at once rather than when it returns, and accepts again after', async () => {
    await server.stop();
    await hub.waitForLog((l) => l.context === 'Redis' && /connection to 127\.0\.0\.1:\d+ lost/.test(l.msg));
    try {
      const response = await fetch(hub.url('/api/telemetry/events'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'test/redis-down', type: 'ml.prediction' }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', details: { dependency: 'redis' } });
    } finally {
      await server.start();
    }
    await waitFor(async () => (await api.send('POST', '/api/telemetry/events', { source: 'test/redis-back', type: 'ml.prediction' })).status, (s) => s === 202, 30_000, 'ingest never recovered');
  });

  it('reports telemetry down while the consumer cannot read the stream, and stores what waited once it can', async () => {
    expect((await telemetryHealth()).telemetry.status).toBe('up');
    const admin = new Redis(server.url);
    try {
      // an operator's ACL change takes XREADGROUP away; every other command (and so the rest of health) works
      await admin.call('ACL', 'SETUSER', 'default', '-xreadgroup');
      const down = await waitFor(telemetryHealth, (h) => h.telemetry.status === 'down', 15_000, 'telemetry still reported up while the consumer cannot read');
      expect(down.httpStatus).toBe(200);
      expect(down.status).toBe('degraded');
      expect(down.telemetry.error).toMatch(/cannot read the stream .*NOPERM/);
      expect(down.telemetry.lastError).toMatch(/NOPERM/);

      const waiting = Array.from({ length: 50 }, () => ({ id: uuidv7(), source: 'test/redis-acl', type: 'ml.prediction' }));
      expect((await api.send('POST', '/api/telemetry/events', waiting)).status).toBe(202);
      expect((await telemetryHealth()).telemetry.status).toBe('down');

      await admin.call('ACL', 'SETUSER', 'default', '+xreadgroup');
      await waitFor(telemetryHealth, (h) => h.telemetry.status === 'up', 15_000, 'telemetry never reported up after the ACL was restored');
      await waitFor(() => storedOf(databaseUrl, waiting.map((e) => e.id)), (n) => n === waiting.length, 30_000, 'events posted while the consumer could not read were not stored');
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+xreadgroup').catch(() => undefined);
      admin.disconnect();
    }
  }, 60_000);
});
