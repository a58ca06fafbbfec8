import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Redis from 'ioredis';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 as uuidv7 } from 'uuid';
import { NodeProcess } from '../test/support/hub-process';
import { dropDatabase, freshDatabaseUrl } from '../test/support/test-database';
import { median, percentile, report } from './support';

/**
 * Telemetry end to end (XADD → consumer group → PostgreSQL) with 1 and 2 consumers (`npm run worker`
 * processes), and produce-to-stored latency at a steady 10,000 events/s; beside two raw baselines
 * measured in the same run: pipelined XADD alone, and COPY of the same rows alone.
 * Targets: >= 50,000 events/s end to end, >= 40% of the slower baseline, p99 < 250 ms at 10,000/s.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const STEADY_RATE = 10_000;
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 10);

const event = (source: string, n: number) => ({ id: uuidv7(), source, type: 'bench.event', time: new Date().toISOString(), severity: 'info', data: { n } });

async function xaddAll(redis: Redis, stream: string, source: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1000) {
    const batch = redis.pipeline();
    for (let j = i; j < Math.min(count, i + 1000); j++) batch.xadd(stream, '*', 'e', JSON.stringify(event(source, j)));
    await batch.exec();
  }
}

async function rawXadd(redis: Redis, prefix: string): Promise<number> {
  const started = performance.now();
  await xaddAll(redis, `${prefix}raw-baseline`, 'bench/raw', EVENTS);
  const seconds = (performance.now() - started) / 1000;
  await redis.del(`${prefix}raw-baseline`);
  return EVENTS / seconds;
}

async function rawCopy(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE TEMP TABLE copy_baseline (LIKE mcp_hub.telemetry_events)');
    const rows = Array.from({ length: EVENTS }, (_, n) => {
      const e = event('bench/copy', n);
      return `${e.source}\t${e.id}\t${e.time}\t${e.type}\t${e.severity}\t\\N\t\\N\t\\N\t\\N\t${JSON.stringify(e.data)}\t${e.time}\n`;
    });
    const started = performance.now();
    await pipeline(Readable.from(rows), client.query(copyFrom('COPY copy_baseline FROM STDIN')));
    return EVENTS / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
}

async function countRows(client: Client, source: string): Promise<number> {
  return Number((await client.query(`SELECT count(*) AS n FROM mcp_hub.telemetry_events WHERE source = $1`, [source])).rows[0].n);
}

async function waitForRows(client: Client, source: string, expected: number): Promise<void> {
  while ((await countRows(client, source)) < expected) await new Promise((r) => setTimeout(r, 50));
}

async function withWorkers<T>(databaseUrl: string, prefix: string, count: number, run: () => Promise<T>): Promise<T> {
  const workers = Array.from({ length: count }, () => new NodeProcess('dist/src/worker.js', { DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'warn', NODE_ENV: 'production' }));
  try {
    await Promise.all(workers.map((w) => w.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg)).catch(() => undefined)));
    return await run();
  } finally {
    for (const worker of workers) worker.signal('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  }
}

async function main(): Promise<void> {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `bench-telemetry-${process.pid}:`;
  const stream = `${prefix}telemetry:events`;
  const redis = new Redis('redis://127.0.0.1:6379');
  const migrate = new NodeProcess('dist/src/platform/database/migrate.js', { DATABASE_URL: databaseUrl });
  if ((await migrate.exited).code !== 0) throw new Error(`migration failed:\n${migrate.output}`);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const xaddRate = await rawXadd(redis, prefix);
    const copyRate = await rawCopy(databaseUrl);

    const endToEnd: Record<number, number> = {};
    for (const consumers of [1, 2]) {
      const source = `bench/e2e-${consumers}`;
      endToEnd[consumers] = await withWorkers(databaseUrl, prefix, consumers, async () => {
        const started = performance.now();
        await xaddAll(redis, stream, source, EVENTS);
        await waitForRows(db, source, EVENTS);
        return EVENTS / ((performance.now() - started) / 1000);
      });
      process.stderr.write(`${consumers} consumer(s): ${Math.round(endToEnd[consumers])} events/s end to end\n`);
    }

    const latencies = await withWorkers(databaseUrl, prefix, 2, async () => {
      const source = 'bench/steady';
      const total = STEADY_RATE * STEADY_SECONDS;
      const tickMs = 10;
      const perTick = (STEADY_RATE * tickMs) / 1000;
      const started = performance.now();
      for (let sent = 0; sent < total; sent += perTick) {
        const due = started + (sent / STEADY_RATE) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const batch = redis.pipeline();
        for (let j = 0; j < perTick; j++) batch.xadd(stream, '*', 'e', JSON.stringify(event(source, sent + j)));
        await batch.exec();
      }
      await waitForRows(db, source, total);
      const rows = await db.query(`SELECT extract(epoch FROM (stored_at - time)) * 1000 AS ms FROM mcp_hub.telemetry_events WHERE source = $1`, [source]);
      return rows.rows.map((r: { ms: string }) => Number(r.ms));
    });

    const slower = Math.min(xaddRate, copyRate);
    const best = Math.max(endToEnd[1], endToEnd[2]);
    report(
      'telemetry',
      [
        { subject: 'baseline: pipelined XADD alone', 'events/s': Math.round(xaddRate) },
        { subject: 'baseline: COPY of the same rows alone', 'events/s': Math.round(copyRate) },
        { subject: 'end to end, 1 consumer', 'events/s': Math.round(endToEnd[1]) },
        { subject: 'end to end, 2 consumers', 'events/s': Math.round(endToEnd[2]) },
        { subject: `produce → stored at ${STEADY_RATE}/s, 2 consumers`, 'p50 ms': Number(median(latencies).toFixed(1)), 'p99 ms': Number(percentile(latencies, 99).toFixed(1)) },
      ],
      { events: EVENTS, targets: { endToEnd: 50000, ofSlowerBaseline: 0.4, p99Ms: 250 } },
    );
    console.log(
      `end to end ${Math.round(best)} events/s (target >= 50,000: ${best >= 50000 ? 'met' : 'NOT met'}; ${(best / slower * 100).toFixed(0)}% of the slower baseline, target >= 40%); ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms at ${STEADY_RATE}/s (target < 250 ms: ${percentile(latencies, 99) < 250 ? 'met' : 'NOT met'})`,
    );
  } finally {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.end();
    await dropDatabase(databaseUrl);
  }
}

void main();
