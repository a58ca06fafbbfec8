import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HubFixture } from '../support/hub-fixture';
import { NodeProcess, sleep } from '../support/hub-process';
import { submitJob, waitForJob } from '../support/ml';
import { queryDatabase } from '../support/test-database';
import type { Json } from '../support/http';

const HOUR = 3600;

/** Hand-made source: two customers' updates over a day (UTC). */
const SOURCE = `
  CREATE TABLE public.customer_stats (customer_id bigint, updated_at timestamptz, amount double precision, segment text, active boolean);
  INSERT INTO public.customer_stats VALUES
    (1, '2026-11-20T10:00:00Z', 10, 'gold', true),
    (1, '2026-11-20T12:00:00Z', 100, 'silver', false),
    (2, '2026-11-20T11:00:00Z', 5, 'gold', true);`;

const VIEW = {
  name: 'customer_stats',
  entities: ['customer_id'],
  source: { table: 'public.customer_stats' },
  timestampColumn: 'updated_at',
  ttlSeconds: 3 * HOUR,
  features: [
    { name: 'amount', type: 'float' },
    { name: 'amount_log', column: 'amount', type: 'float', transform: { kind: 'log' } },
    { name: 'amount_bucket', column: 'amount', type: 'float', transform: { kind: 'bucketize', boundaries: [1, 50] } },
    { name: 'segment', type: 'string', transform: { kind: 'one-hot', categories: ['gold', 'silver'] } },
    { name: 'active', type: 'bool' },
  ],
  online: false,
};

/** Entity rows before, at, between and after the updates, one past the TTL, one whose only value is in its future, one unknown. */
const ENTITY_ROWS = [
  { customer_id: 1, event_timestamp: '2026-11-20T09:00:00Z', label: 'r0' }, // before any update
  { customer_id: 1, event_timestamp: '2026-11-20T10:00:00Z', label: 'r1' }, // exactly at the first
  { customer_id: 1, event_timestamp: '2026-11-20T11:30:00Z', label: 'r2' }, // between the two
  { customer_id: 1, event_timestamp: '2026-11-20T12:30:00Z', label: 'r3' }, // after the second
  { customer_id: 1, event_timestamp: '2026-11-20T16:00:00Z', label: 'r4' }, // 4 h after the last: past the 3 h TTL
  { customer_id: 2, event_timestamp: '2026-11-20T10:30:00Z', label: 'r5' }, // its only value is in its future
  { customer_id: 2, event_timestamp: '2026-11-20T13:59:00Z', label: 'r6' }, // 2 h 59 min old: inside the TTL
  { customer_id: 3, event_timestamp: '2026-11-20T12:00:00Z', label: 'r7' }, // no such customer
];

const num = (text: string) => (text === '' ? null : Number(text));

describe('feature store: versioned views and point-in-time correct historical features', () => {
  let fixture: HubFixture;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hub-features-data-'));
    fixture = await HubFixture.start('features', { mcpServers: {} }, { env: { DATA_DIR: dataDir, TZ: 'America/New_York', TRAINING_WORKER_ENABLED: 'false' } });
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    for (const statement of SOURCE.split(';').filter((s) => s.trim())) await queryDatabase(fixture.databaseUrl, statement);
  });

  const post = (path: string, body: unknown) => fixture.api.send('POST', path, body);

  it('applies a view once per definition: the same one again is the same version, a change is a new one, old versions stay readable', async () => {
    const first = await post('/api/ml/feature-views', VIEW);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: 'customer_stats', version: 1, definition: { features: expect.arrayContaining([expect.objectContaining({ name: 'amount', column: 'amount' })]) } });
    const again = await post('/api/ml/feature-views', VIEW);
    expect({ status: again.status, version: again.body.version }).toEqual({ status: 200, version: 1 });
    const changed = await post('/api/ml/feature-views', { ...VIEW, ttlSeconds: 2 * HOUR });
    expect({ status: changed.status, version: changed.body.version }).toEqual({ status: 201, version: 2 });
    expect((await fixture.api.get('/api/ml/feature-views/customer_stats?version=1')).body.definition.ttlSeconds).toBe(3 * HOUR);
    expect((await fixture.api.get('/api/ml/feature-views/customer_stats/versions')).body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await fixture.api.get('/api/ml/feature-views')).body).toEqual([expect.objectContaining({ name: 'customer_stats', version: 2 })]);
    // back to the 3 h TTL the expectations below are computed for
    expect((await post('/api/ml/feature-views', VIEW)).body.version).toBe(3);
  });

  it('refuses a definition that does not fit its source, naming the field', async () => {
    const refused = async (patch: object) => {
      const answer = await post('/api/ml/feature-views', { ...VIEW, ...patch });
      expect(answer.status).toBe(400);
      return answer.body.details.map((d: { field: string; reason: string }) => `${d.field}: ${d.reason}`);
    };
    expect(await refused({ features: [{ name: 'amout', type: 'float' }] })).toEqual([expect.stringMatching(/^features\[0\]\.column: "amout" is not a column of public\.customer_stats \(its columns: customer_id, updated_at, amount, segment, active\)$/)]);
    expect(await refused({ features: [{ name: 'segment', type: 'float' }] })).toEqual(['features[0].type: "segment" is text, which is not a float']);
    expect(await refused({ timestampColumn: 'amount' })).toContain('timestampColumn: "amount" is float8; it must be a timestamp, timestamptz or date');
    expect(await refused({ entities: ['customer'] })).toEqual([expect.stringMatching(/^entities\[0\]: "customer" is not a column/)]);
    expect(await refused({ source: { table: 'mcp_hub.api_keys' } })).toEqual([expect.stringMatching(/^source\.table: schema "mcp_hub" is not one feature views may read/)]);
    expect(await refused({ source: { table: 'public.nothing' } })).toEqual(['source.table: public.nothing does not exist or the hub cannot read it']);
    expect(await refused({ features: [{ name: 'segment', type: 'string', transform: { kind: 'log' } }] })).toEqual(['features[0].transform.kind: log needs a float or int feature']);
    expect(await refused({ features: [{ name: 'amount', type: 'float', transform: { kind: 'bucketize', boundaries: [5, 1] } }] })).toEqual(['features[0].transform.boundaries: bucketize needs boundaries in ascending order']);
    expect(await refused({ entities: ['amount'] })).toContain('entities[0]: "amount" is float8; entity keys must be integer, text or uuid columns');
    expect(await refused({ features: [{ name: 'amount__x', column: 'amount', type: 'float' }] })).toEqual(['features[0].name: "__" is reserved (one-hot columns are <feature>__<category>)']);
    expect(await refused({ features: [{ name: 'n', column: 'amount', type: 'float', transform: { kind: 'rolling', windowSeconds: 60 } }] })).toEqual([
      'features[0].transform.aggregation: rolling needs an aggregation: count, sum, mean, min or max',
    ]);
    expect(await refused({ features: [{ name: 'n', column: 'segment', type: 'float', transform: { kind: 'rolling', aggregation: 'mean', windowSeconds: 60 } }] })).toEqual([
      'features[0].column: rolling mean needs a number column; "segment" is text',
    ]);
    expect(await refused({ features: [{ name: 'n', column: 'amount', type: 'float', transform: { kind: 'rolling', aggregation: 'count', windowSeconds: 60 } }] })).toEqual(['features[0].type: rolling count gives a int']);
    const shape = await post('/api/ml/feature-views', { ...VIEW, ttlSeconds: 0, entities: [] });
    expect(shape.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['entities', 'ttlSeconds']);
  });

  it('joins each entity row to its features as of its event time: exact values, nulls before, past the TTL and in the future', async () => {
    const answer = await post('/api/ml/features/historical', {
      entityRows: { rows: ENTITY_ROWS },
      features: ['customer_stats:amount', 'customer_stats:amount_log', 'customer_stats:amount_bucket', 'customer_stats:segment', 'customer_stats:active'],
      name: 'training-set',
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: 'training-set', rowCount: 8, lineage: { kind: 'historical-features', entityRows: 'inline', featureViews: [{ name: 'customer_stats', version: 3 }] } });
    const rows = parse(await readFile(answer.body.uri.replace('local://', ''), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(['customer_id', 'label', 'event_timestamp', 'amount', 'amount_log', 'amount_bucket', 'segment__gold', 'segment__silver', 'active']);
    expect(rows.map((r) => r.label)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(rows.map((r) => num(r.amount))).toEqual([null, 10, 10, 100, null, null, 5, null]);
    const logs = rows.map((r) => num(r.amount_log));
    expect(logs.filter((v) => v === null)).toHaveLength(4);
    expect(logs[1]).toBeCloseTo(Math.log(10), 12);
    expect(logs[3]).toBeCloseTo(Math.log(100), 12);
    expect(logs[6]).toBeCloseTo(Math.log(5), 12);
    expect(rows.map((r) => num(r.amount_bucket))).toEqual([null, 1, 1, 2, null, null, 1, null]);
    expect(rows.map((r) => num(r.segment__gold))).toEqual([null, 1, 1, 0, null, null, 1, null]);
    expect(rows.map((r) => num(r.segment__silver))).toEqual([null, 0, 0, 1, null, null, 0, null]);
    expect(rows.map((r) => r.active)).toEqual(['', 't', 't', 'f', '', '', 't', '']);

    // a training job on it records the views and versions in its run
    const job = await post('/api/ml/training-jobs', { adapter: 'node', algorithm: 'knn', dataset: 'training-set', target: 'label', features: ['amount'] });
    expect(job.status).toBe(202);
    expect((await fixture.api.get(`/api/ml/runs/${job.body.runId}`)).body.tags).toMatchObject({ 'lineage.kind': 'historical-features', 'lineage.featureViews': 'customer_stats@3', 'lineage.entityRows': 'inline' });
  });

  it('takes the entity rows from a registered dataset as well, and an older version of the view by name', async () => {
    const file = join(dataDir, 'entities.csv');
    await writeFile(file, ['customer_id,event_timestamp', ...ENTITY_ROWS.map((r) => `${r.customer_id},${r.event_timestamp}`)].join('\n'));
    const registered = await post('/api/ml/datasets', { uri: `local://${file}`, name: 'entity-rows' });
    expect(registered.status).toBe(201);
    const answer = await post('/api/ml/features/historical', { entityRows: { dataset: 'entity-rows' }, features: ['customer_stats@2:amount'] });
    expect(answer.status).toBe(201);
    expect(answer.body.lineage).toMatchObject({ entityRows: registered.body.id, featureViews: [{ name: 'customer_stats', version: 2, features: ['amount'] }] });
    const rows = parse(await readFile(answer.body.uri.replace('local://', ''), 'utf8'), { columns: true }) as Record<string, string>[];
    // version 2 has a 2 h TTL: r6 (2 h 59 min) is now null
    expect(rows.map((r) => num(r.amount))).toEqual([null, 10, 10, 100, null, null, null, null]);
    // the entity rows' file is checked against its registered hash as it is read
    await writeFile(file, '\n1,2026-11-20T10:00:00Z', { flag: 'a' });
    const changed = await post('/api/ml/features/historical', { entityRows: { dataset: 'entity-rows' }, features: ['customer_stats:amount'] });
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('DATASET_CHANGED');
  });

  it('computes rolling windows as of each feature row, breaks ties in time the same way every time, and reads times without an offset as UTC', async () => {
    await queryDatabase(fixture.databaseUrl, 'CREATE TABLE public.visits (customer_id int, at timestamp without time zone, amount double precision)');
    await queryDatabase(
      fixture.databaseUrl,
      `INSERT INTO public.visits VALUES (1, '2026-11-20 10:00', 2), (1, '2026-11-20 11:00', 4), (1, '2026-11-20 11:00', 6), (1, '2026-11-20 12:30', 8)`,
    );
    const rolling = (name: string, aggregation: string, type: string) => ({ name, column: 'amount', type, transform: { kind: 'rolling', aggregation, windowSeconds: 2 * HOUR } });
    const applied = await post('/api/ml/feature-views', {
      name: 'visits',
      entities: ['customer_id'],
      source: { table: 'public.visits' },
      timestampColumn: 'at',
      ttlSeconds: 24 * HOUR,
      features: [{ name: 'amount', type: 'float' }, rolling('mean_2h', 'mean', 'float'), rolling('count_2h', 'count', 'int'), rolling('max_2h', 'max', 'float')],
    });
    expect(applied.status).toBe(201);
    const answer = await post('/api/ml/features/historical', {
      // the hub runs with TZ=America/New_York: a time without an offset is still UTC, as the source's are
      entityRows: { rows: [{ customer_id: 1, event_timestamp: '2026-11-20T11:30:00' }, { customer_id: 1, event_timestamp: '2026-11-20T12:30:00Z' }, { customer_id: 1, event_timestamp: '2026-11-20T10:59:59Z' }] },
      features: ['visits:amount', 'visits:mean_2h', 'visits:count_2h', 'visits:max_2h'],
    });
    expect(answer.status).toBe(201);
    const rows = parse(await readFile(answer.body.uri.replace('local://', ''), 'utf8'), { columns: true }) as Record<string, string>[];
    // 11:30 → the 11:00 rows (4 and 6: the greater wins the tie), window (09:00, 11:00] = 2, 4, 6
    // 12:30 → the 12:30 row, window (10:30, 12:30] = 4, 6, 8; 10:59:59 → the 10:00 row, window (08:00, 10:00] = 2
    expect(rows.map((r) => [num(r.amount), num(r.mean_2h), num(r.count_2h), num(r.max_2h)])).toEqual([
      [6, 4, 3, 6],
      [8, 6, 3, 8],
      [2, 2, 1, 2],
    ]);
  });

  it('reads a registered dataset as a source: loaded once into a table, its ISO times typed as times', async () => {
    const file = join(dataDir, 'purchases.csv');
    await writeFile(file, ['customer_id,bought_at,total', '1,2026-11-20T08:00:00Z,3.5', '1,2026-11-20T09:30:00Z,7', '2,2026-11-20 09:00,1'].join('\n'));
    expect((await post('/api/ml/datasets', { uri: `local://${file}`, name: 'purchases' })).status).toBe(201);
    const view = { name: 'purchases', entities: ['customer_id'], source: { dataset: 'purchases' }, timestampColumn: 'bought_at', ttlSeconds: 24 * HOUR, features: [{ name: 'total', type: 'float' }] };
    const applied = await post('/api/ml/feature-views', view);
    expect(applied.status).toBe(201);
    expect(applied.body.definition.source).toEqual({ table: expect.stringMatching(/^feature_data\.ds_[0-9a-f]{32}$/), dataset: expect.any(String) });
    // the same dataset again: the same table, the same version
    expect((await post('/api/ml/feature-views', view)).status).toBe(200);
    const answer = await post('/api/ml/features/historical', {
      entityRows: { rows: [{ customer_id: 1, event_timestamp: '2026-11-20T09:00:00Z' }, { customer_id: 1, event_timestamp: '2026-11-20T10:00:00Z' }, { customer_id: 2, event_timestamp: '2026-11-20T09:00:00Z' }] },
      features: ['purchases:total'],
    });
    expect(answer.status).toBe(201);
    const rows = parse(await readFile(answer.body.uri.replace('local://', ''), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => num(r.total))).toEqual([3.5, 7, 1]);
    expect((await post('/api/ml/feature-views', { ...view, source: { dataset: 'purchases', table: 'public.visits' } })).body.details).toEqual([{ field: 'source', reason: 'give exactly one of table and dataset' }]);
    expect((await post('/api/ml/feature-views', { ...view, source: { dataset: 'nope' } })).body.details).toEqual([{ field: 'source.dataset', reason: 'no dataset with id or name "nope"' }]);
  });

  it('answers unknown views and features, and bad entity rows, with 400 naming the field', async () => {
    const bad = async (body: object) => {
      const answer = await post('/api/ml/features/historical', body);
      expect(answer.status).toBe(400);
      return answer.body.details;
    };
    expect(await bad({ entityRows: { rows: ENTITY_ROWS }, features: ['nope:amount', 'customer_stats:amont'] })).toEqual([
      { field: 'features[0]', reason: 'no feature view nope' },
      { field: 'features[1]', reason: expect.stringMatching(/^customer_stats version 3 has no feature "amont" \(it has amount, amount_log/) },
    ]);
    expect(await bad({ entityRows: { rows: [{ event_timestamp: '2026-11-20T10:00:00Z' }] }, features: ['customer_stats:amount'] })).toEqual([{ field: 'entityRows.customer_id', reason: 'customer_stats is keyed by customer_id' }]);
    expect(await bad({ entityRows: { rows: [{ customer_id: 1, event_timestamp: 'yesterday' }] }, features: ['customer_stats:amount'] })).toEqual([
      { field: 'entityRows[0].event_timestamp', reason: expect.stringContaining('"yesterday" is not a time') },
    ]);
    expect((await bad({ entityRows: { rows: [{ customer_id: 'x', event_timestamp: '2026-11-20T10:00:00Z' }] }, features: ['customer_stats:amount'] }))[0].field).toBe('entityRows');
    expect(await bad({ entityRows: {}, features: ['customer_stats:amount'] })).toEqual([{ field: 'entityRows', reason: 'give exactly one of dataset and rows' }]);
    expect((await bad({ entityRows: { rows: ENTITY_ROWS }, features: ['customer_stats amount'] }))[0].field).toBe('features');
    expect(await bad({ entityRows: { rows: [{ customer_id: 1, __row: 1, event_timestamp: '2026-11-20T10:00:00Z' }] }, features: ['customer_stats:amount'] })).toEqual([
      { field: 'entityRows.__row', reason: 'names starting with "__" are reserved' },
    ]);
  });
});

describe('feature store: materialisation into the online store', () => {
  let fixture: HubFixture;
  let dataDir: string;
  const sql = (statement: string) => queryDatabase(fixture.databaseUrl, statement);
  const post = (path: string, body: unknown) => fixture.api.send('POST', path, body);

  async function materialize(view: string): Promise<Json> {
    const queued = await post(`/api/ml/feature-views/${view}/materialize`, {});
    expect(queued.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const { body } = await fixture.api.get(`/api/ml/feature-views/${view}/materialization?jobId=${queued.body.jobId}`);
      if (body.job.state === 'failed') throw new Error(body.job.failedReason);
      if (body.lastRun?.jobId === queued.body.jobId) return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the materialisation did not finish');
  }

  const online = async (view: string, feature: string, ids: number[]) => {
    const { status, body } = await post('/api/ml/features/online', { features: [`${view}:${feature}`], entities: ids.map((customer_id) => ({ customer_id })) });
    expect(status).toBe(200);
    return body.results.map((r: { values: Record<string, unknown>; statuses: Record<string, string> }) => [r.values[`${view}:${feature}`], r.statuses[`${view}:${feature}`]]);
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hub-online-data-'));
    fixture = await HubFixture.start('features-online', { mcpServers: {} }, { env: { DATA_DIR: dataDir } });
    await sql('CREATE TABLE public.scores (customer_id bigint, ts timestamptz, score double precision)');
    await sql(`INSERT INTO public.scores VALUES
      (1, now() - interval '10 minutes', 1), (1, now() - interval '5 minutes', 2), (2, now() - interval '4 minutes', 3),
      (3, now() - interval '2 minutes', 4), (4, now() - interval '3 hours', 5)`);
    for (const [name, ttlSeconds] of [['scores', 3600], ['scores_short', 3]] as const) {
      const applied = await post('/api/ml/feature-views', { name, entities: ['customer_id'], source: { table: 'public.scores' }, timestampColumn: 'ts', ttlSeconds, online: true, features: [{ name: 'score', type: 'float' }] });
      expect(applied.status).toBe(201);
    }
    const counted = await post('/api/ml/feature-views', {
      name: 'scores_count',
      entities: ['customer_id'],
      source: { table: 'public.scores' },
      timestampColumn: 'ts',
      ttlSeconds: 3600,
      online: true,
      features: [{ name: 'last_hour', column: 'score', type: 'int', transform: { kind: 'rolling', aggregation: 'count', windowSeconds: 3600 } }],
    });
    expect(counted.status).toBe(201);
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes the latest value per entity, leaves out values already past the TTL, and serves them with a status', async () => {
    const first = await materialize('scores');
    expect(first.lastRun).toMatchObject({ version: 1, from: null, sourceRows: 5, entities: 3, expired: 1 });
    expect(first.watermark).toBe(first.lastRun.to);
    expect(await online('scores', 'score', [1, 2, 3, 4, 9])).toEqual([[2, 'present'], [3, 'present'], [4, 'present'], [null, 'missing'], [null, 'missing']]);
    // a rolling window materialises as of each entity's latest row: customer 1 has 2 rows in its last hour
    await materialize('scores_count');
    expect(await online('scores_count', 'last_hour', [1, 2])).toEqual([[2, 'present'], [1, 'present']]);
  });

  it('is incremental from the watermark (only new source rows are read) and idempotent', async () => {
    await sql(`INSERT INTO public.scores VALUES (1, now(), 10), (5, now(), 7)`);
    const second = await materialize('scores');
    expect(second.lastRun).toMatchObject({ sourceRows: 2, entities: 2, expired: 0 });
    expect(await online('scores', 'score', [1, 2, 5])).toEqual([[10, 'present'], [3, 'present'], [7, 'present']]);
    const third = await materialize('scores');
    expect(third.lastRun).toMatchObject({ sourceRows: 0, entities: 0 });
    expect(await online('scores', 'score', [1])).toEqual([[10, 'present']]);
  });

  it('lets values expire after the view\'s TTL', async () => {
    await sql(`INSERT INTO public.scores VALUES (7, now(), 42)`);
    const run = await materialize('scores_short');
    expect(run.lastRun.entities).toBeGreaterThanOrEqual(1);
    expect(await online('scores_short', 'score', [7])).toEqual([[42, 'present']]);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect((await online('scores_short', 'score', [7]))[0][0]).toBeNull();
  });

  it('is offered to MCP clients and on the command line', async () => {
    const client = new Client({ name: 'features-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    const result = await client.callTool({ name: 'ml__get_online_features', arguments: { features: ['scores:score'], entities: [{ customer_id: 1 }] } });
    expect(JSON.parse((result.content as { text: string }[])[0].text).results[0]).toMatchObject({ values: { 'scores:score': 10 }, statuses: { 'scores:score': 'present' } });
    const views = await client.callTool({ name: 'ml__list_feature_views', arguments: {} });
    expect(JSON.parse((views.content as { text: string }[])[0].text).views.map((v: { name: string }) => v.name)).toEqual(['scores', 'scores_count', 'scores_short']);
    await client.close();

    const cli = (args: string[]) => new NodeProcess('dist/src/cli/main.js', { HUB_URL: fixture.hub.url('') }, args);
    const get = cli(['features', 'get', 'scores:score', '--entity', 'customer_id=1']);
    expect((await get.exited).code).toBe(0);
    expect(JSON.parse(get.stdout.join('\n')).results[0].values).toEqual({ 'scores:score': 10 });
    // the expiry test's row (customer 7) is new to this view
    const materialized = cli(['features', 'materialize', 'scores']);
    expect((await materialized.exited).code).toBe(0);
    expect(materialized.stdout.join('\n')).toMatch(/^scores: 1 source rows in \(.+\] → 1 entities written, 0 past the TTL; watermark /);
    const list = cli(['features', 'list']);
    expect((await list.exited).code).toBe(0);
    expect(list.stdout.join('\n')).toMatch(/scores_short/);
  });

  it('keeps the watermark at the database clock for a future end, and serves only what the latest version computed', async () => {
    const queued = await post('/api/ml/feature-views/scores/materialize', { end: '2099-01-01T00:00:00Z' });
    expect(queued.status).toBe(202);
    let status: Json = {};
    for (let i = 0; i < 200 && status.lastRun?.jobId !== queued.body.jobId; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await fixture.api.get(`/api/ml/feature-views/scores/materialization?jobId=${queued.body.jobId}`)).body;
    }
    expect(status.lastRun.to).toBe('2099-01-01T00:00:00.000Z');
    expect(Date.parse(status.watermark)).toBeLessThanOrEqual(Date.now());
    // a job of another view is not this view's
    expect((await fixture.api.get(`/api/ml/feature-views/scores_short/materialization?jobId=${queued.body.jobId}`)).status).toBe(404);

    const changed = await post('/api/ml/feature-views', { name: 'scores', entities: ['customer_id'], source: { table: 'public.scores' }, timestampColumn: 'ts', ttlSeconds: 7200, online: true, features: [{ name: 'score', type: 'float' }] });
    expect(changed.body.version).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the read path's 2 s cache of the latest version
    expect(await online('scores', 'score', [1])).toEqual([[null, 'missing']]);
    const run = await materialize('scores');
    expect(run.lastRun).toMatchObject({ version: 2, from: null });
    expect(await online('scores', 'score', [1])).toEqual([[10, 'present']]);
    // entity keys spelt as strings find the same values as numbers
    expect((await post('/api/ml/features/online', { features: ['scores:score'], entities: [{ customer_id: '01' }] })).body.results[0].values).toEqual({ 'scores:score': 10 });
  });

  it('binds a model trained on historical features to them, so predict takes entity keys alone', async () => {
    const now = new Date().toISOString();
    const labels: [number, string][] = [[1, 'a'], [2, 'b'], [3, 'a'], [5, 'b'], [7, 'a']];
    const data = await post('/api/ml/features/historical', { entityRows: { rows: [...labels, ...labels].map(([customer_id, label]) => ({ customer_id, label, event_timestamp: now })) }, features: ['scores:score'], name: 'scored-rows' });
    expect(data.status).toBe(201);
    const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm: 'knn', dataset: 'scored-rows', target: 'label', features: ['score'], hyperparameters: { k: 1 }, registerAs: 'scored' })).id);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    // the job is succeeded a moment before its model is registered
    let version = (await fixture.api.get('/api/ml/models/scored/versions/1')).body;
    for (let i = 0; i < 50 && !version.featureService; i++) version = (await sleep(100), (await fixture.api.get('/api/ml/models/scored/versions/1')).body);
    expect(version.featureService).toEqual({ features: ['scores@2:score'] });

    const predict = (instances: object[]) => post('/api/ml/models/scored/predict?ref=latest', { instances });
    const filled = await predict([{ customer_id: 1 }, { customer_id: '2' }]);
    expect(filled.status).toBe(200);
    expect(filled.body.predictions).toHaveLength(2);
    expect((await predict([{ customer_id: 999 }])).body.details).toEqual([
      { field: 'instances[0].score', reason: 'the online store has no value of scores@2:score for this entity (missing); materialise the view or send the column' },
    ]);
    expect((await predict([{ customer_id: 999, score: 3 }])).status).toBe(200);
    // a row that sends every bound column needs no entity key
    expect((await predict([{ score: 3 }])).status).toBe(200);
    expect((await predict([{ id: 1 }])).body.details).toEqual([{ field: 'instances[0].customer_id', reason: 'scores is keyed by customer_id' }]);

    expect((await fixture.api.send('PUT', '/api/ml/models/scored/versions/1/feature-service', { features: ['nope:x'] })).body.details).toEqual([{ field: 'features[0]', reason: 'no feature view nope' }]);
    const unbound = await fixture.api.send('PUT', '/api/ml/models/scored/versions/1/feature-service', { features: [] });
    expect(unbound.body).toEqual({ version: 1, featureService: null });
    let answer = await predict([{ customer_id: 1 }]);
    for (let i = 0; i < 50 && answer.status === 200; i++) answer = (await sleep(100), await predict([{ customer_id: 1 }]));
    expect(answer.body.details).toEqual([expect.objectContaining({ field: 'instances[0].score', reason: expect.stringMatching(/^missing column/) })]);
  });

  it('refuses what it cannot do, naming the field', async () => {
    expect((await post('/api/ml/feature-views/nope/materialize', {})).status).toBe(404);
    const byQuery = await fixture.api.get(`/api/ml/features/online?features=scores:score&entities=${encodeURIComponent('[{"customer_id":1}]')}`);
    expect(byQuery.body.results[0].values).toEqual({ 'scores:score': 10 });
    expect((await fixture.api.get('/api/ml/features/online?features=scores:score&entities=customer_id')).body.details).toContainEqual({ field: 'entities', reason: 'entities must be a JSON array of objects' });
    expect((await post('/api/ml/feature-views/scores/materialize', { version: 1, everySeconds: 60 })).body.details).toEqual([{ field: 'everySeconds', reason: 'a schedule materialises the latest version; leave out version to schedule' }]);
    expect((await post('/api/ml/features/online', { features: ['scores:score'], entities: [{ customer_id: 1.5 }] })).body.details).toEqual([
      { field: 'entities[0].customer_id', reason: '1.5 is not an integer (send integers past 2^53 as strings)' },
    ]);
    expect((await post('/api/ml/feature-views/scores/materialize', { start: 'yesterday' })).body.details[0].field).toBe('start');
    expect((await post('/api/ml/features/online', { features: ['scores:nope'], entities: [{ customer_id: 1 }] })).status).toBe(400);
    expect((await post('/api/ml/features/online', { features: ['scores:score'], entities: [{ id: 1 }] })).body.details).toEqual([{ field: 'entities[0].customer_id', reason: 'scores is keyed by customer_id' }]);
  });
});
