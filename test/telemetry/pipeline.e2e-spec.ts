import Redis from 'ioredis';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { v7 as uuidv7 } from 'uuid';
import { HubFixture } from '../support/hub-fixture';
import { HubProcess, NodeProcess, sleep } from '../support/hub-process';
import { queryDatabase } from '../support/test-database';
import { telemetryGroup, telemetryStored } from '../support/telemetry-group';

const count = async (databaseUrl: string, where = 'true') =>
  Number((await queryDatabase<{ n: string }>(databaseUrl, `SELECT count(*) AS n FROM mcp_hub.telemetry_events WHERE ${where}`))[0].n);

async function waitForCount(databaseUrl: string, where: string, predicate: (n: number) => boolean, timeoutMs = 60000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = 0;
  while (Date.now() < deadline) {
    n = await count(databaseUrl, where);
    if (predicate(n)) return n;
    await sleep(100);
  }
  throw new Error(`telemetry rows never matched; last count ${n}`);
}

/** Entries delivered but not yet acknowledged, once none has been for a moment (or after 10 s). */
async function pendingOnceSettled(redis: Redis, stream: string): Promise<number> {
  let pending = 0;
  for (let i = 0; i < 100; i++) {
    pending = ((await redis.xpending(stream, 'telemetry-writers')) as [number])[0];
    if (pending === 0) break;
    await sleep(100);
  }
  return pending;
}

describe('telemetry: events through the Redis stream into PostgreSQL, without loss or duplicates', () => {
  let fixture: HubFixture;
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    prefix = `test-telemetry-${process.pid}:`;
    fixture = await HubFixture.start('telemetry', { mcpServers: {} }, { env: { REDIS_KEY_PREFIX: prefix, TELEMETRY_CLAIM_IDLE_MS: '500', TELEMETRY_ROLLUP_INTERVAL_MS: '300', ALLOW_REST_STDIO_SERVERS: 'true' } });
    redis = new Redis('redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await fixture?.stop();
  });

  it('accepts the valid events of a batch, names the invalid ones, and stores each accepted event once', async () => {
    const id = uuidv7();
    const batch = [
      { id, source: 'test/ingest', type: 'ml.prediction', time: '2026-11-25T12:00:00.000Z', data: { score: 0.9, note: 'tab\there, line\nbreak, back\\slash, "quoted", ünïcode' } },
      { source: 'test/ingest', type: 'ml.job.queued', attributes: { adapter: 'sklearn' } },
      { source: 'test/ingest', type: 'Not A Type' },
      { source: 'test/ingest', type: 'ml.job.succeeded', severity: 'info' },
    ];
    const response = await fixture.api.send('POST', '/api/telemetry/events', batch);
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(3);
    expect(response.body.ids[0]).toBe(id);
    expect(response.body.rejected).toEqual([{ index: 2, problems: [{ field: 'type', reason: 'type must be a dotted lower-case name such as mcp.tool.call' }] }]);
    await waitForCount(fixture.databaseUrl, `source = 'test/ingest'`, (n) => n === 3);

    expect((await fixture.api.send('POST', '/api/telemetry/events', batch[0])).status).toBe(202);
    const none = await fixture.api.send('POST', '/api/telemetry/events', [{ type: 'x' }]);
    expect(none.status).toBe(400);
    expect(none.body.details[0].field).toBe('[0].source');
    await telemetryStored(redis, `${prefix}telemetry:events`);
    expect(await count(fixture.databaseUrl, `source = 'test/ingest'`)).toBe(3);
    const [row] = await queryDatabase<{ type: string; data: object; time: Date }>(fixture.databaseUrl, `SELECT type, data, time FROM mcp_hub.telemetry_events WHERE id = $1`, [id]);
    expect(row).toEqual({ type: 'ml.prediction', data: { score: 0.9, note: 'tab\there, line\nbreak, back\\slash, "quoted", ünïcode' }, time: new Date('2026-11-25T12:00:00.000Z') });
  });

  it("stores the hub's own events from the in-process bus", async () => {
    await fixture.api.send('POST', '/api/servers', { name: 'nothing', command: 'mcp-hub-no-such-command', retry: { maxAttempts: 1 } });
    const n = await waitForCount(fixture.databaseUrl, `type = 'mcp.server.state' AND subject = 'nothing'`, (c) => c >= 2);
    expect(n).toBeGreaterThanOrEqual(2);
    const [row] = await queryDatabase<{ source: string }>(fixture.databaseUrl, `SELECT source FROM mcp_hub.telemetry_events WHERE type = 'mcp.config.reloaded' LIMIT 1`);
    expect(row.source).toMatch(/^mcp-hub\/[0-9a-f-]{36}$/);
  });

  it('rolls stored events up per minute: count, errors and duration percentiles by type, source and tool', async () => {
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000);
    const durations = [4, 8, 15, 16, 23, 42];
    const events = durations.map((durationMs, i) => ({
      source: 'test/rollup',
      type: 'mcp.tool.call',
      time: new Date(minute.getTime() + i * 5000).toISOString(),
      data: { server: 'r', tool: 'lookup', durationMs, outcome: i === 0 ? 'timeout' : 'ok' },
    }));
    expect((await fixture.api.send('POST', '/api/telemetry/events', events)).status).toBe(202);
    let rollup: { events: number } | undefined;
    for (let i = 0; i < 100 && rollup?.events !== 6; i++) {
      const rows = (await fixture.api.get(`/api/telemetry/rollups?type=mcp.tool.call&from=${minute.toISOString()}`)).body as { source: string; events: number }[];
      rollup = rows.find((r) => r.source === 'test/rollup');
      await sleep(100);
    }
    const [expected] = await queryDatabase<{ p50: number; p95: number; p99: number }>(
      fixture.databaseUrl,
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8) AS p99 FROM mcp_hub.telemetry_events WHERE source = 'test/rollup'`,
    );
    expect(rollup).toEqual({ minute: minute.toISOString(), type: 'mcp.tool.call', source: 'test/rollup', server: 'r', tool: 'lookup', events: 6, errors: 1, p50Ms: expected.p50, p95Ms: expected.p95, p99Ms: expected.p99 });
    expect(expected.p50).toBe((15 + 16) / 2);
  });

  it('counts errors alike in rollups and stats (invalid_arguments included), per server and tool', async () => {
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000);
    const calls = [
      { server: 'cons-everything', outcome: 'ok' },
      { server: 'cons-everything', outcome: 'ok' },
      { server: 'cons-everything', outcome: 'invalid_arguments' },
      { server: 'cons-nope', outcome: 'error' },
    ];
    const events = calls.map(({ server, outcome }, i) => ({
      source: 'test/consistency',
      type: 'mcp.tool.call',
      time: new Date(minute.getTime() + i * 1000).toISOString(),
      data: { server, tool: 'echo', durationMs: i + 1, outcome },
    }));
    expect((await fixture.api.send('POST', '/api/telemetry/events', events)).status).toBe(202);
    type Rollup = { source: string; server: string; tool: string; events: number; errors: number };
    let rows: Rollup[] = [];
    for (let i = 0; i < 100 && rows.reduce((n, r) => n + r.events, 0) !== 4; i++) {
      rows = ((await fixture.api.get(`/api/telemetry/rollups?type=mcp.tool.call,ml.prediction&from=${minute.toISOString()}`)).body as Rollup[]).filter((r) => r.source === 'test/consistency');
      await sleep(100);
    }
    expect(rows.map(({ server, tool, events, errors }) => ({ server, tool, events, errors }))).toEqual([
      { server: 'cons-everything', tool: 'echo', events: 3, errors: 1 },
      { server: 'cons-nope', tool: 'echo', events: 1, errors: 1 },
    ]);
    const stats = (await fixture.api.get('/api/telemetry/stats?windowSeconds=3600')).body as { toolLatency: { server: string; tool: string; calls: number; errors: number }[] };
    expect(stats.toolLatency.filter((t) => t.server.startsWith('cons-')).map(({ server, tool, calls, errors }) => ({ server, tool, events: calls, errors }))).toEqual(
      rows.map(({ server, tool, events, errors }) => ({ server, tool, events, errors })),
    );
  });

  it('takes a list of event types as one comma-separated type parameter, and names types as the wrong one', async () => {
    const time = new Date(Date.now() - 30_000).toISOString();
    const events = ['ml.prediction', 'ml.job.queued', 'ml.job.failed'].map((type) => ({ source: 'test/type-list', type, time }));
    expect((await fixture.api.send('POST', '/api/telemetry/events', events)).status).toBe(202);
    await waitForCount(fixture.databaseUrl, `source = 'test/type-list'`, (n) => n === 3);
    const page = (await fixture.api.get('/api/telemetry/events?source=test/type-list&type=ml.prediction,ml.job.failed')).body as { events: { type: string }[] };
    expect(page.events.map((e) => e.type).sort()).toEqual(['ml.job.failed', 'ml.prediction']);
    for (const path of ['/api/telemetry/events?types=ml.prediction,ml.job.failed', '/api/telemetry/rollups?types=ml.prediction']) {
      const wrong = await fixture.api.get(path);
      expect([wrong.status, wrong.body.details]).toEqual([400, [{ field: 'types', reason: 'types is not a parameter here; pass the event types as type=a,b (comma-separated)' }]]);
    }
    const bad = await fixture.api.get('/api/telemetry/events?type=ml.prediction,,x');
    expect([bad.status, bad.body.details?.[0]?.field]).toEqual([400, 'type']);
  });

  it('removes consumers that hold nothing and stay idle from the group, so stream.consumers counts live ones', async () => {
    const stream = `${prefix}telemetry:events`;
    const consumerNames = async () => ((await redis.xinfo('CONSUMERS', stream, 'telemetry-writers')) as string[][]).map((fields) => fields[fields.indexOf('name') + 1]);
    const live = await consumerNames();
    expect(live).toHaveLength(1);
    await redis.call('XGROUP', 'CREATECONSUMER', stream, 'telemetry-writers', 'gone-consumer');
    expect((await fixture.api.get('/api/telemetry/stats')).body.stream.consumers).toBe(2);
    for (let i = 0; i < 300 && (await consumerNames()).includes('gone-consumer'); i++) await sleep(100);
    expect(await consumerNames()).toEqual(live);
    expect((await fixture.api.get('/api/telemetry/stats')).body.stream.consumers).toBe(1);
    expect(fixture.hub.logs.some((l) => l.msg.startsWith('Removed consumer gone-consumer from telemetry-writers'))).toBe(true);
  });

  it('records a hub tool that answers isError as tool_error, not ok', async () => {
    const client = new Client({ name: 'telemetry-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    try {
      expect((await client.callTool({ name: 'ml__list_jobs', arguments: {} })).isError).toBeFalsy();
      expect((await client.callTool({ name: 'ml__job_status', arguments: { id: uuidv7() } })).isError).toBe(true);
    } finally {
      await client.close();
    }
    const outcomes = `type = 'mcp.request' AND data->>'tool' IN ('ml__list_jobs', 'ml__job_status')`;
    await waitForCount(fixture.databaseUrl, outcomes, (n) => n === 2);
    const rows = await queryDatabase<{ tool: string; outcome: string }>(fixture.databaseUrl, `SELECT data->>'tool' AS tool, data->>'outcome' AS outcome FROM mcp_hub.telemetry_events WHERE ${outcomes} ORDER BY 1`);
    expect(rows).toEqual([
      { tool: 'ml__job_status', outcome: 'tool_error' },
      { tool: 'ml__list_jobs', outcome: 'ok' },
    ]);
  });

  it('serves Prometheus metrics at /metrics', async () => {
    const response = await fetch(fixture.hub.url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^mcp_hub_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^mcp_hub_events_total\{type="mcp\.server\.state"\} \d+/m);
    expect(text).toMatch(/^mcp_hub_server_state_changes_total\{server="nothing",state="failed"\} 1$/m);
    // gauges read at scrape time: upstream servers by state (from the mcp module) and the telemetry pipeline
    expect(text).toMatch(/^mcp_hub_upstream_servers\{state="failed"\} 1$/m);
    expect(text).toMatch(/^mcp_hub_upstream_servers\{state="connected"\} 0$/m);
    expect(text).toMatch(/^mcp_hub_training_jobs\{state="waiting"\} \d+$/m);
    expect(text).toMatch(/^mcp_hub_training_jobs\{state="active"\} \d+$/m);
    const deadLetters = await redis.xlen(`${prefix}telemetry:dead-letter`);
    expect(text).toMatch(new RegExp(`^mcp_hub_telemetry_dead_letters ${deadLetters}$`, 'm'));
    expect(text).toMatch(/^mcp_hub_telemetry_consumers 1$/m);
    for (const gauge of ['mcp_hub_telemetry_lag', 'mcp_hub_telemetry_pending', 'mcp_hub_telemetry_stream_length']) expect(text).toMatch(new RegExp(`^${gauge} \\d+$`, 'm'));
  });

  it('moves a poison entry to the dead-letter stream and keeps the rest flowing', async () => {
    const stream = `${prefix}telemetry:events`;
    await redis.xadd(stream, '*', 'e', '{not json');
    await redis.xadd(stream, '*', 'e', JSON.stringify({ source: 'test/after-poison', type: 'ml.prediction' }));
    await waitForCount(fixture.databaseUrl, `source = 'test/after-poison'`, (n) => n === 1);
    const dead = await redis.xrange(`${prefix}telemetry:dead-letter`, '-', '+');
    expect(dead.some(([, fields]) => fields.includes('not a valid telemetry event') && fields.join(' ').includes('{not json'))).toBe(true);
  });

  it('stores a batch that meets a row already stored (a redelivery) without a second row, and the rest of it', async () => {
    const stream = `${prefix}telemetry:events`;
    const seen = JSON.stringify({ id: uuidv7(), source: 'test/redelivered', type: 'ml.prediction', time: new Date().toISOString() });
    await redis.xadd(stream, '*', 'e', seen);
    await waitForCount(fixture.databaseUrl, `source = 'test/redelivered'`, (n) => n === 1);
    const pipeline = redis.pipeline();
    pipeline.xadd(stream, '*', 'e', seen);
    pipeline.xadd(stream, '*', 'e', JSON.stringify({ source: 'test/redelivered', type: 'ml.prediction', data: { fresh: true } }));
    pipeline.xadd(stream, '*', 'e', seen, 'v', '1');
    await pipeline.exec();
    await waitForCount(fixture.databaseUrl, `source = 'test/redelivered' AND data->>'fresh' = 'true'`, (n) => n === 1);
    expect(await pendingOnceSettled(redis, stream)).toBe(0);
    expect(await count(fixture.databaseUrl, `source = 'test/redelivered'`)).toBe(2);
    const dead = await redis.xrange(`${prefix}telemetry:dead-letter`, '-', '+');
    expect(dead.filter(([, fields]) => fields.join(' ').includes('test/redelivered'))).toEqual([]);
  });

  it('stores entries a producer validated as written, and one by one when PostgreSQL refuses their batch', async () => {
    const stream = `${prefix}telemetry:events`;
    const time = new Date().toISOString();
    const envelope = (data: unknown, id = uuidv7()) => JSON.stringify({ id, source: 'test/validated', type: 'ml.prediction', time, specversion: '1.0', severity: 'info', data });
    const valid = (n: number) => envelope({ n, text: 'tab\there, "quoted", ünïcode' });
    const pipeline = redis.pipeline();
    for (let n = 0; n < 5; n++) pipeline.xadd(stream, '*', 'e', valid(n), 'v', '1');
    // marked as validated by hand (or by a faulty writer), yet its id is no UUID
    pipeline.xadd(stream, '*', 'e', envelope({}, 'not-a-uuid'), 'v', '1');
    // valid to the hub, refused by PostgreSQL (jsonb holds no NUL character)
    pipeline.xadd(stream, '*', 'e', envelope({ text: 'nul \u0000 inside' }), 'v', '1');
    for (let n = 5; n < 10; n++) pipeline.xadd(stream, '*', 'e', valid(n), 'v', '1');
    pipeline.xadd(stream, '*', 'e', envelope(null), 'v', '1');
    await pipeline.exec();
    await waitForCount(fixture.databaseUrl, `source = 'test/validated'`, (n) => n === 11);
    expect(await pendingOnceSettled(redis, stream)).toBe(0);
    const rows = await queryDatabase<{ n: number | null; text: string | null; kind: string | null }>(
      fixture.databaseUrl,
      `SELECT (data->>'n')::int AS n, data->>'text' AS text, jsonb_typeof(data) AS kind FROM mcp_hub.telemetry_events WHERE source = 'test/validated' ORDER BY 1`,
    );
    // data: null stays JSON null, as a COPY stores it
    expect(rows).toEqual([...Array.from({ length: 10 }, (_, n) => ({ n, text: 'tab\there, "quoted", ünïcode', kind: 'object' })), { n: null, text: null, kind: 'null' }]);
    const dead = (await redis.xrange(`${prefix}telemetry:dead-letter`, '-', '+')).map(([, fields]) => fields.join(' '));
    expect(dead.filter((text) => text.includes('not-a-uuid') && text.includes('not a valid telemetry event'))).toHaveLength(1);
    expect(dead.filter((text) => text.includes('inside') && text.includes('refused by PostgreSQL'))).toHaveLength(1);
    // the hub writes its entries so: a consumer that does not know the mark still reads field e
    const ingested = { id: uuidv7(), source: 'test/marked', type: 'ml.prediction', time };
    expect((await fixture.api.send('POST', '/api/telemetry/events', [ingested])).status).toBe(202);
    const newest = await redis.xrevrange(stream, '+', '-', 'COUNT', 50);
    const entry = newest.find(([, fields]) => fields[1]?.includes('test/marked'));
    expect(entry?.[1]).toEqual(['e', JSON.stringify({ ...ingested, specversion: '1.0', severity: 'info' }), 'v', '1']);
  });

  it('serves stored events page by page and stats that equal a query over the stored rows', async () => {
    const durations = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10];
    const base = Date.now() - 60_000;
    const events = durations.map((durationMs, i) => ({
      source: 'test/stats',
      type: 'mcp.tool.call',
      time: new Date(base + i * 1000).toISOString(),
      subject: 'statsrv/a',
      data: { server: 'statsrv', tool: i < 8 ? 'a' : 'b', durationMs, outcome: i === 3 ? 'error' : 'ok' },
    }));
    expect((await fixture.api.send('POST', '/api/telemetry/events', events)).status).toBe(202);
    await waitForCount(fixture.databaseUrl, `source = 'test/stats'`, (n) => n === 10);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { events: { id: string; time: string }[]; nextCursor: string | null } = (
        await fixture.api.get(`/api/telemetry/events?type=mcp.tool.call&source=test/stats&limit=4${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      seen.push(...page.events.map((e) => e.time));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...events].reverse().map((e) => e.time));
    expect((await fixture.api.get('/api/telemetry/events?cursor=garbage')).status).toBe(400);

    const stats = (await fixture.api.get('/api/telemetry/stats?windowSeconds=86400')).body;
    const [stored] = await queryDatabase<{ n: string }>(fixture.databaseUrl, `SELECT count(*) AS n FROM mcp_hub.telemetry_events WHERE time >= $1`, [stats.since]);
    expect(stats.events).toBe(Number(stored.n));
    const byType = await queryDatabase<{ type: string; n: string }>(fixture.databaseUrl, `SELECT type, count(*) AS n FROM mcp_hub.telemetry_events WHERE time >= $1 GROUP BY type`, [stats.since]);
    for (const row of byType) expect(stats.byType.find((t: { type: string }) => t.type === row.type).events).toBe(Number(row.n));

    // percentile_cont: linear interpolation between the closest ranks
    const percentile = (values: number[], p: number) => {
      const sorted = [...values].sort((x, y) => x - y);
      const rank = p * (sorted.length - 1);
      const low = Math.floor(rank);
      return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (rank - low);
    };
    const a = durations.slice(0, 8);
    expect(stats.toolLatency.find((t: { tool: string }) => t.tool === 'a')).toEqual({
      server: 'statsrv',
      tool: 'a',
      calls: 8,
      errors: 1,
      p50Ms: percentile(a, 0.5),
      p95Ms: Math.round(percentile(a, 0.95) * 1000) / 1000,
      p99Ms: Math.round(percentile(a, 0.99) * 1000) / 1000,
    });
    expect(stats.serverLatency.find((t: { server: string }) => t.server === 'statsrv')).toMatchObject({ calls: 10, errors: 1, p50Ms: percentile(durations, 0.5) });
    expect(stats.stream.deadLetters).toBe(await redis.xlen(`${prefix}telemetry:dead-letter`));
    expect(stats.stream.length).toBe(await redis.xlen(`${prefix}telemetry:events`));
    expect(stats.stream.consumers).toBeGreaterThanOrEqual(1);

    const health = (await fixture.api.get('/api/health')).body;
    expect(health.details.telemetry).toMatchObject({ status: 'up', required: false, deadLetters: stats.stream.deadLetters, consumers: expect.any(Number), lag: expect.any(Number) });
  });

  it('loses nothing and duplicates nothing when consumers are SIGKILLed twice: 100,000 events, 100,000 rows', async () => {
    const stream = `${prefix}telemetry:events`;
    const total = 100_000;
    const before = await count(fixture.databaseUrl);
    await fixture.hub.signal('SIGTERM');
    await fixture.hub.exited;
    for (let i = 0; i < total; i += 1000) {
      const pipeline = redis.pipeline();
      // half carry their own id, half get one from their stream entry id
      for (let j = i; j < i + 1000; j++) pipeline.xadd(stream, '*', 'e', JSON.stringify({ ...(j % 2 ? { id: uuidv7() } : {}), source: 'test/crash', type: 'ml.prediction', data: { n: j } }));
      await pipeline.exec();
    }
    const env = { DATABASE_URL: fixture.databaseUrl, REDIS_KEY_PREFIX: prefix, TELEMETRY_CLAIM_IDLE_MS: '500', NODE_ENV: 'test' };
    for (let kill = 1; kill <= 2; kill++) {
      const worker = new NodeProcess('dist/src/worker.js', env);
      const floor = await count(fixture.databaseUrl, `source = 'test/crash'`);
      await waitForCount(fixture.databaseUrl, `source = 'test/crash'`, (n) => n > floor, 60000);
      worker.signal('SIGKILL');
      await worker.exited;
    }
    const finisher = new NodeProcess('dist/src/worker.js', env);
    try {
      await waitForCount(fixture.databaseUrl, `source = 'test/crash'`, (n) => n === total, 170000);
      const [distinct] = await queryDatabase<{ n: string }>(fixture.databaseUrl, `SELECT count(DISTINCT id) AS n FROM mcp_hub.telemetry_events WHERE source = 'test/crash'`);
      expect(Number(distinct.n)).toBe(total);
      for (let i = 0; i < 100; i++) {
        const [pendingCount] = (await redis.xpending(stream, 'telemetry-writers')) as [number];
        if (Number(pendingCount) === 0) break;
        await sleep(100);
      }
      expect(Number(((await redis.xpending(stream, 'telemetry-writers')) as [number])[0])).toBe(0);
      expect(await count(fixture.databaseUrl)).toBeGreaterThanOrEqual(before + total);
    } finally {
      finisher.signal('SIGTERM');
      await finisher.exited;
    }
  }, 240_000);
});

describe('telemetry on SIGTERM with a full buffer', () => {
  it('flushes every accepted event to the stream before exiting; a consumer stores them all after the restart', async () => {
    const prefix = `test-telemetry-flush-${process.pid}:`;
    const fixture = await HubFixture.start('telemetry-flush', { mcpServers: {} }, { env: { REDIS_KEY_PREFIX: prefix, TELEMETRY_CONSUMER_ENABLED: 'false', DEBUG_ROUTES_ENABLED: 'true' } });
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const burst = await fixture.api.send('POST', '/api/debug/event-burst', { count: 50000, type: 'debug.burst' });
      expect(burst.body).toEqual({ published: 50000 });
      fixture.hub.signal('SIGTERM');
      expect((await fixture.hub.exited).code).toBe(0);
      expect(fixture.hub.logs.find((l) => l.msg.startsWith('Shutdown phase flush started'))?.msg).toContain('telemetry-buffer');
      expect(await count(fixture.databaseUrl, `type = 'debug.burst'`)).toBe(0);

      const worker = new NodeProcess('dist/src/worker.js', { DATABASE_URL: fixture.databaseUrl, REDIS_KEY_PREFIX: prefix, NODE_ENV: 'test' });
      try {
        await waitForCount(fixture.databaseUrl, `type = 'debug.burst'`, (n) => n === 50000, 120000);
      } finally {
        worker.signal('SIGTERM');
        await worker.exited;
      }
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await fixture.stop();
    }
  }, 180_000);
});

describe('telemetry consumer gathering a batch', () => {
  it('stores what it read and stops at once on SIGTERM, without waiting out TELEMETRY_CONSUMER_GATHER_MS', async () => {
    const prefix = `test-telemetry-gather-${process.pid}:`;
    const stream = `${prefix}telemetry:events`;
    // a minute's wait after each small batch, past the 10 s a shutdown phase may take; the server that
    // cannot start puts its state changes on the bus from boot on
    const fixture = await HubFixture.start(
      'telemetry-gather',
      { mcpServers: { nothing: { command: 'mcp-hub-no-such-command' } } },
      { env: { REDIS_KEY_PREFIX: prefix, TELEMETRY_CONSUMER_GATHER_MS: '60000' } },
    );
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      // a first batch read, stored and acknowledged: the consumer now waits for more
      let group = new Map<string, unknown>();
      for (let i = 0; i < 300 && !(Number(group.get('entries-read')) > 0 && Number(group.get('pending')) === 0); i++) {
        await sleep(100);
        group = (await telemetryGroup(redis, stream)) ?? group;
      }
      const read = Number(group.get('entries-read'));
      expect(read).toBeGreaterThan(0);
      fixture.hub.signal('SIGTERM');
      expect((await fixture.hub.exited).code).toBe(0);
      expect(fixture.hub.logs.filter((l) => /timed out/.test(l.msg))).toEqual([]);
      expect(await count(fixture.databaseUrl)).toBeGreaterThanOrEqual(read);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await fixture.stop();
    }
  });
});

describe('telemetry storage: daily partitions and retention', () => {
  it('creates partitions ahead and drops those older than TELEMETRY_RETENTION_DAYS at boot', async () => {
    const fixture = await HubFixture.start('telemetry-retention', { mcpServers: {} }, { env: { TELEMETRY_RETENTION_DAYS: '7' } });
    try {
      const day = (offset: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + offset));
      const name = (d: Date) => `telemetry_events_${d.toISOString().slice(0, 10).replace(/-/g, '')}`;
      const partitions = async () =>
        (await queryDatabase<{ relname: string }>(fixture.databaseUrl, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'mcp_hub.telemetry_events'::regclass`)).map((r) => r.relname);
      expect(await partitions()).toEqual(expect.arrayContaining([name(day(0)), name(day(1)), name(day(3)), 'telemetry_events_default']));

      const old = day(-40);
      await queryDatabase(fixture.databaseUrl, `CREATE TABLE mcp_hub.${name(old)} PARTITION OF mcp_hub.telemetry_events FOR VALUES FROM ('${old.toISOString()}') TO ('${day(-39).toISOString()}')`);
      const events = [
        { source: 'test/retention', type: 'ml.prediction', time: new Date(old.getTime() + 3600_000).toISOString() },
        { source: 'test/retention', type: 'ml.prediction', time: new Date(day(-41).getTime() + 3600_000).toISOString() },
        { source: 'test/retention', type: 'ml.prediction', time: new Date().toISOString() },
      ];
      expect((await fixture.api.send('POST', '/api/telemetry/events', events)).status).toBe(202);
      await waitForCount(fixture.databaseUrl, `source = 'test/retention'`, (n) => n === 3);

      fixture.hub.signal('SIGTERM');
      await fixture.hub.exited;
      const again = await HubProcess.start({ DATABASE_URL: fixture.databaseUrl, MCP_SERVERS_CONFIG: fixture.serversFile, TELEMETRY_RETENTION_DAYS: '7', REDIS_KEY_PREFIX: `test-telemetry-retention-${process.pid}:` });
      try {
        expect(await partitions()).not.toContain(name(old));
        expect(await count(fixture.databaseUrl, `source = 'test/retention'`)).toBe(1);
      } finally {
        await again.stop();
      }
    } finally {
      await fixture.stop();
    }
  });
});
