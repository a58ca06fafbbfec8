import Redis from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import { jsonOf } from '../support/http';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';
import { HubProcess } from '../support/hub-process';

describe('hub boot (built hub as a child process, real PostgreSQL and Redis)', () => {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `test-boot-${process.pid}:`;
  const waitingIds = [uuidv7(), uuidv7(), uuidv7()];
  let hub: HubProcess;
  let redis: Redis;

  beforeAll(async () => {
    // events already waiting in the stream: the consumer's first batch is written at once on boot
    redis = new Redis('redis://127.0.0.1:6379');
    const time = new Date().toISOString();
    for (const id of waitingIds) await redis.xadd(`${prefix}telemetry:events`, '*', 'e', JSON.stringify({ id, source: 'test/boot', type: 'test.boot', time }));
    hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, DEBUG_ROUTES_ENABLED: 'true' });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await hub?.stop();
    await dropDatabase(databaseUrl);
  });

  it('creates the missing database, its schema and runs the migrations', async () => {
    const migrations = await queryDatabase<{ name: string }>(databaseUrl, 'SELECT name FROM mcp_hub.migrations');
    expect(migrations.map((m) => m.name)).toContain('CreateHubInstances1764072000000');
    const instances = await queryDatabase<{ role: string; pid: number; stopped_at: Date | null }>(databaseUrl, 'SELECT role, pid, stopped_at FROM mcp_hub.hub_instances');
    expect(instances).toEqual([{ role: 'api', pid: hub.pid, stopped_at: null }]);
  });

  it('creates the telemetry partitions before the consumer starts, so the first batch is stored without a failed write', async () => {
    const partitionsAt = hub.logs.findIndex((l) => l.context === 'TelemetryPartitions' && l.msg.startsWith('Partitions created'));
    const consumerAt = hub.logs.findIndex((l) => l.context === 'TelemetryConsumer' && /^Consumer .* reads /.test(l.msg));
    expect(partitionsAt).toBeGreaterThanOrEqual(0);
    expect(consumerAt).toBeGreaterThan(partitionsAt);
    let stored: { id: string }[] = [];
    for (let i = 0; i < 100 && stored.length < waitingIds.length; i++) {
      stored = await queryDatabase<{ id: string }>(databaseUrl, `SELECT id FROM mcp_hub.telemetry_events WHERE source = 'test/boot'`);
      if (stored.length < waitingIds.length) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stored.map((r) => r.id).sort()).toEqual([...waitingIds].sort());
    expect(hub.logs.filter((l) => /violates partition constraint|Storing .* failed/.test(l.msg))).toEqual([]);
    const health = await jsonOf(await fetch(hub.url('/api/health')));
    expect(health.status).toBe('ok');
  });

  it('reports every dependency in /api/health: required ones up, unconfigured ones disabled', async () => {
    const response = await fetch(hub.url('/api/health'));
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body.status).toBe('ok');
    expect(body.details.postgres).toMatchObject({ status: 'up', required: true, version: expect.stringMatching(/^\d+/) });
    expect(body.details.postgres.latencyMs).toEqual(expect.any(Number));
    expect(body.details.redis).toMatchObject({ status: 'up', required: true, version: expect.stringMatching(/^\d+\.\d+/) });
    for (const optional of ['mongodb', 'qdrant', 's3']) expect(body.details[optional]).toEqual({ status: 'disabled', required: false });
  });

  it('answers liveness without dependencies and readiness with PostgreSQL and Redis', async () => {
    const live = await fetch(hub.url('/api/health/live'));
    expect(live.status).toBe(200);
    expect(await jsonOf(live)).toMatchObject({ status: 'ok', pid: hub.pid, rssBytes: expect.any(Number) });

    const ready = await fetch(hub.url('/api/health/ready'));
    expect(ready.status).toBe(200);
    const body = await jsonOf(ready);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.details).sort()).toEqual(['postgres', 'redis']);
  });

  it('serves Swagger UI and an OpenAPI document with every operation described', async () => {
    const ui = await fetch(hub.url('/api-docs'));
    expect(ui.status).toBe(200);
    const html = await ui.text();
    expect(html).toContain('swagger-ui');
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-init.js', 'swagger-ui.css']) {
      expect(html).toContain(asset);
      const response = await fetch(hub.url(`/api-docs/${asset}`));
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
    }

    const document = await jsonOf(await fetch(hub.url('/api-docs-json')));
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/health/live', '/api/health/ready']));
    for (const [path, operations] of Object.entries<Record<string, { summary?: string; responses?: object }>>(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect({ path, method, summary: operation.summary }).toEqual({ path, method, summary: expect.any(String) });
        expect(Object.keys(operation.responses ?? {})).not.toHaveLength(0);
      }
    }
    expect(document.components.schemas.ErrorResponseDto.properties.requestId.example).toBeDefined();
  });

  it('echoes X-Request-Id, generates one when absent, and puts it in error bodies and log lines', async () => {
    const given = await fetch(hub.url('/api/no-such-route'), { headers: { 'X-Request-Id': 'trace-42' } });
    expect(given.status).toBe(404);
    expect(given.headers.get('x-request-id')).toBe('trace-42');
    expect(await jsonOf(given)).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Cannot GET /api/no-such-route', requestId: 'trace-42' });
    await hub.waitForLog((l) => l.requestId === 'trace-42' && l.msg === 'request completed');

    const generated = await fetch(hub.url('/api/health/live'));
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a bad body with 400 naming the field and the reason', async () => {
    const response = await fetch(hub.url('/api/debug/database-sleep'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad-body' },
      body: JSON.stringify({ seconds: 'soon', extra: 1 }),
    });
    expect(response.status).toBe(400);
    const body = await jsonOf(response);
    expect(body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: 'bad-body' });
    expect(body.details).toEqual(
      expect.arrayContaining([
        { field: 'seconds', reason: expect.stringContaining('number') },
        { field: 'extra', reason: 'property extra should not exist' },
      ]),
    );
  });

  it('answers a malformed JSON body with 400 and a request id', async () => {
    const response = await fetch(hub.url('/api/debug/database-sleep'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seconds": ' });
    expect(response.status).toBe(400);
    const body = await jsonOf(response);
    expect(body).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST', requestId: response.headers.get('x-request-id') });
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs structured JSON without errors', () => {
    expect(hub.logs.length).toBeGreaterThan(5);
    expect(hub.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
