import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Redis from 'ioredis';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { HubApi } from '../test/support/hub-api';
import { HubProcess } from '../test/support/hub-process';
import { dropDatabase, freshDatabaseUrl } from '../test/support/test-database';
import { DatasetProfiler } from '../src/ml/datasets/dataset-profile';
import { readRows } from '../src/ml/datasets/table-reader';
import { pointInTimeQuery } from '../src/ml/features/point-in-time-query';
import type { FeatureViewDefinition } from '../src/ml/features/feature-view-definition';
import { BenchRow, deleteRedisKeys, percentile, report, summary, timeTakingTurns } from './support';

/**
 * The feature store beside baselines measured in the same run, on the same PostgreSQL and Redis:
 * - online reads of 100 entities × 10 features through the hub vs one raw pipelined HGETALL per entity
 *   (target: hub p50 within 1.5× of raw);
 * - historical retrieval of 100k entity rows × 5 features vs the same SQL (temp table, COPY in, the
 *   point-in-time COPY out) on a plain connection (target: within 1.3×);
 * - materialisation rows/s over BENCH_SOURCE_ROWS source rows (default 1M), vs its DISTINCT ON query alone.
 */
const SOURCE_ROWS = Number(process.env.BENCH_SOURCE_ROWS ?? 1_000_000);
const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 100_000);
const ENTITY_ROWS = Number(process.env.BENCH_ENTITY_ROWS ?? 100_000);
const READS = Number(process.env.BENCH_READS ?? 500);
const FEATURES = Array.from({ length: 10 }, (_, i) => `f${i}`);

async function main(): Promise<void> {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `bench-features-${process.pid}:`;
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-features-'));
  const hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, DATA_DIR: dataDir });
  const api = new HubApi(hub);
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const redis = new Redis('redis://127.0.0.1:6379', { keyPrefix: prefix });
  const rows: BenchRow[] = [];
  try {
    console.log(`source: ${SOURCE_ROWS} rows over ${ENTITIES} entities`);
    await pg.query(`CREATE TABLE public.bench_features (entity_id bigint, ts timestamptz, ${FEATURES.map((f) => `${f} double precision`).join(', ')})`);
    await pg.query(
      `INSERT INTO public.bench_features SELECT g % ${ENTITIES}, now() - make_interval(secs => g), ${FEATURES.map(() => 'random()').join(', ')} FROM generate_series(1, ${SOURCE_ROWS}) g`,
    );
    await pg.query('CREATE INDEX ON public.bench_features (entity_id, ts DESC)');
    await pg.query('ANALYZE public.bench_features');
    const view = { name: 'bench', entities: ['entity_id'], source: { table: 'public.bench_features' }, timestampColumn: 'ts', ttlSeconds: 365 * 86400, online: true, features: FEATURES.map((name) => ({ name, type: 'float' })) };
    const applied = await api.send('POST', '/api/ml/feature-views', view);
    if (applied.status !== 201) throw new Error(`apply: ${JSON.stringify(applied.body)}`);
    const version = applied.body.version as number;

    // materialisation
    const latest = `SELECT DISTINCT ON (s.entity_id) s.entity_id::text, (extract(epoch FROM s.ts) * 1000)::bigint, ${FEATURES.map((f) => `s.${f}::text`).join(', ')} FROM public.bench_features s ORDER BY s.entity_id, s.ts DESC`;
    let started = performance.now();
    await pipeline(pg.query(copyTo(`COPY (${latest}) TO STDOUT WITH (FORMAT csv)`)), createWriteStream('/dev/null'));
    const querySeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const queued = await api.send('POST', '/api/ml/feature-views/bench/materialize', {});
    let run: { sourceRows: number; entities: number } | undefined;
    while (!run) {
      const { body } = await api.get(`/api/ml/feature-views/bench/materialization?jobId=${queued.body.jobId}`);
      if (body.job?.state === 'failed') throw new Error(body.job.failedReason);
      if (body.lastRun?.jobId === queued.body.jobId) run = body.lastRun;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const materializeSeconds = (performance.now() - started) / 1000;
    rows.push({ subject: 'materialise: DISTINCT ON query alone', rows: SOURCE_ROWS, seconds: Number(querySeconds.toFixed(2)), 'rows/s': Math.round(SOURCE_ROWS / querySeconds) });
    rows.push({ subject: 'materialise: hub (query + Redis writes)', rows: run.sourceRows, seconds: Number(materializeSeconds.toFixed(2)), 'rows/s': Math.round(run.sourceRows / materializeSeconds), entities: run.entities });

    // online reads: 100 entities × 10 features
    const ids = Array.from({ length: 100 }, (_, i) => i * Math.floor(ENTITIES / 100));
    const body = JSON.stringify({ features: FEATURES.map((f) => `bench:${f}`), entities: ids.map((entity_id) => ({ entity_id })) });
    const viaHub = async () => {
      const response = await fetch(hub.url('/api/ml/features/online'), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (response.status !== 200) throw new Error(`online read: ${response.status}`);
      await response.json();
    };
    const raw = async () => {
      const batch = redis.pipeline();
      for (const id of ids) batch.hgetall(`features:bench:v${version}:${JSON.stringify([String(id)])}`);
      await batch.exec();
    };
    // the floor: the least any HTTP service answering this must pay (parse the JSON body, one pipelined
    // HGETALL per entity, answer JSON), with nothing else: no validation, no auth, no framework
    const floor = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { entities: { entity_id: number }[] };
        const batch = redis.pipeline();
        for (const entity of request.entities) batch.hgetall(`features:bench:v${version}:${JSON.stringify([String(entity.entity_id)])}`);
        const hashes = (await batch.exec()) ?? [];
        const results = request.entities.map((entity, i) => ({ entity, values: hashes[i][1] }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
      });
    });
    await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
    const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}/`;
    const viaFloor = async () => {
      const response = await fetch(floorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.json();
    };
    const [hubSamples, rawSamples, floorSamples] = await timeTakingTurns([viaHub, raw, viaFloor], READS, 50);
    floor.close();
    const hubRead = summary('online read: hub (100 entities × 10 features)', hubSamples);
    const rawRead = summary('online read: raw pipelined HGETALL', rawSamples);
    const floorRead = summary('online read: floor (bare HTTP + HGETALL + JSON)', floorSamples);
    rows.push({ ...rawRead, 'reads/s': Math.round(100_000 / rawRead['mean ms']) });
    rows.push({ ...floorRead, 'reads/s': Math.round(100_000 / floorRead['mean ms']), 'p50 vs raw': Number((floorRead['median ms'] / rawRead['median ms']).toFixed(2)) });
    rows.push({
      ...hubRead,
      'reads/s': Math.round(100_000 / hubRead['mean ms']),
      'p50 vs raw': Number((hubRead['median ms'] / rawRead['median ms']).toFixed(2)),
      'p50 vs floor': Number((hubRead['median ms'] / floorRead['median ms']).toFixed(2)),
      target: '≤ 1.5× raw',
    });

    // historical retrieval: 100k entity rows × 5 features
    const entityFile = join(dataDir, 'entity-rows.csv');
    const entityLines = Array.from({ length: ENTITY_ROWS }, (_, i) => `${(i * 7) % ENTITIES},${new Date(Date.now() - ((i * 13) % 86_400) * 1000).toISOString()}`);
    await writeFile(entityFile, `entity_id,event_timestamp\n${entityLines.join('\n')}\n`);
    const registered = await api.send('POST', '/api/ml/datasets', { uri: `local://${entityFile}`, name: 'bench-entity-rows' });
    if (registered.status !== 201) throw new Error(`register: ${JSON.stringify(registered.body)}`);
    const wanted = FEATURES.slice(0, 5);
    const definition = { ...view, features: wanted.map((name) => ({ name, column: name, type: 'float' as const })) } as unknown as FeatureViewDefinition;
    const query = pointInTimeQuery('feature_entities', ['entity_id', 'event_timestamp'], [{ name: 'bench', version: 1, definition, entityTypes: { entity_id: 'int8' }, features: definition.features }]);
    started = performance.now();
    await pg.query('BEGIN');
    await pg.query('CREATE TEMP TABLE feature_entities (entity_id text, event_timestamp timestamptz NOT NULL, __row bigint NOT NULL) ON COMMIT DROP');
    await pipeline(Readable.from([entityLines.map((line, i) => `${line},${i}\n`).join('')]), pg.query(copyFrom('COPY feature_entities (entity_id, event_timestamp, __row) FROM STDIN WITH (FORMAT csv)')));
    await pipeline(pg.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER true)`)), createWriteStream(join(dataDir, 'baseline.csv')));
    await pg.query('COMMIT');
    const sqlSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const historical = await api.send('POST', '/api/ml/features/historical', { entityRows: { dataset: 'bench-entity-rows' }, features: wanted.map((f) => `bench:${f}`) });
    const hubSeconds = (performance.now() - started) / 1000;
    if (historical.status !== 201) throw new Error(`historical: ${JSON.stringify(historical.body)}`);
    // the floor: the same SQL, plus what any hub must do around it once: read (hash and parse) the
    // registered input dataset, and hash, parse and profile the result it registers
    const pass = async (file: string, profile: boolean) => {
      const passStarted = performance.now();
      const hash = createHash('sha256');
      const profiler = new DatasetProfiler();
      for await (const row of readRows(file, 'csv', (chunk) => hash.update(chunk))) if (profile) profiler.add(row);
      hash.digest();
      profiler.profile();
      return (performance.now() - passStarted) / 1000;
    };
    const floorSeconds = sqlSeconds + (await pass(entityFile, false)) + (await pass(join(dataDir, 'baseline.csv'), true));
    rows.push({ subject: 'historical: same SQL on a plain connection', rows: ENTITY_ROWS, seconds: Number(sqlSeconds.toFixed(2)) });
    rows.push({ subject: 'historical: floor (SQL + read the input once + hash and profile the result)', rows: ENTITY_ROWS, seconds: Number(floorSeconds.toFixed(2)), 'vs SQL': Number((floorSeconds / sqlSeconds).toFixed(2)) });
    rows.push({
      subject: 'historical: hub (read dataset, join, register result)',
      rows: historical.body.rowCount,
      seconds: Number(hubSeconds.toFixed(2)),
      'vs SQL': Number((hubSeconds / sqlSeconds).toFixed(2)),
      'vs floor': Number((hubSeconds / floorSeconds).toFixed(2)),
      target: '≤ 1.3×',
    });

    report('features', rows, { sourceRows: SOURCE_ROWS, entities: ENTITIES, entityRows: ENTITY_ROWS, reads: READS, onlineP99: { hub: percentile(hubSamples, 99), raw: percentile(rawSamples, 99) } });
  } finally {
    await pg.end();
    redis.disconnect();
    await hub.stop();
    await deleteRedisKeys(prefix);
    await dropDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
