import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parse } from 'csv-parse/sync';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { NodeProcess, sleep } from '../support/hub-process';
import { Json } from '../support/http';
import { irisId, writeIrisRows } from '../support/iris-rows';
import { assertPythonStack, IRIS_FEATURES, PYTHON_BIN, submitJob, waitForJob } from '../support/ml';

const ROWS = 50_000;
const JSONL_ROWS = 3_000;
const FINAL = ['succeeded', 'failed', 'cancelled'];
const CLASSES = ['setosa', 'versicolor', 'virginica'];

describe('batch prediction: chunked jobs over registered models, resumable on another worker', () => {
  let fixture: HubFixture;
  let artifactsDir: string;
  let dataDir: string;
  let workerEnv: Record<string, string>;
  const workers: NodeProcess[] = [];

  const startWorker = async () => {
    const worker = new NodeProcess('dist/src/worker.js', workerEnv);
    workers.push(worker);
    await worker.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg), 60_000);
    return worker;
  };

  const submit = async (body: Record<string, unknown>): Promise<Json> => {
    const response = await fixture.api.send('POST', '/api/ml/batch-predictions', body);
    if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };

  const waitForBatch = async (id: string, predicate: (job: Json) => boolean = (job) => FINAL.includes(job.status), timeoutMs = 180_000): Promise<Json> => {
    const deadline = Date.now() + timeoutMs;
    let job: Json;
    while (Date.now() < deadline) {
      job = (await fixture.api.get(`/api/ml/batch-predictions/${id}`)).body;
      if (predicate(job)) return job;
      await sleep(25);
    }
    throw new Error(`batch prediction ${id} never matched; last: ${JSON.stringify(job)}`);
  };

  const output = async (id: string): Promise<{ status: number; text: string; headers: Headers }> => {
    const response = await fetch(fixture.hub.url(`/api/ml/batch-predictions/${id}/output`));
    return { status: response.status, text: await response.text(), headers: response.headers };
  };

  /** What the online endpoint answers for the same rows, in calls of 500 rows. */
  const online = async (model: string, version: number, rows: Record<string, unknown>[]): Promise<{ predictions: (string | number)[]; probabilities: Record<string, number>[] | null }> => {
    const predictions: (string | number)[] = [];
    const probabilities: Record<string, number>[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const { status, body } = await fixture.api.send('POST', `/api/ml/models/${model}/predict?ref=${version}`, { instances: rows.slice(i, i + 500) });
      if (status !== 200) throw new Error(`predict answered ${status}: ${JSON.stringify(body)}`);
      predictions.push(...body.predictions);
      if (body.probabilities) probabilities.push(...body.probabilities);
    }
    return { predictions, probabilities: probabilities.length ? probabilities : null };
  };

  const irisFeatures = (record: Record<string, string>) => Object.fromEntries(IRIS_FEATURES.map((f) => [f, Number(record[f])]));

  /** Every output row against the online answer for the same input row: same label, same probability per class. */
  const expectSameAsOnline = async (records: Record<string, string | number>[], inputs: Record<string, unknown>[]) => {
    const answer = await online('iris-rf', 1, inputs);
    expect(answer.predictions).toHaveLength(records.length);
    const mismatches = records.filter((record, i) => record.prediction !== answer.predictions[i] || CLASSES.some((c) => Number(record[`probability_${c}`]) !== answer.probabilities![i][c]));
    expect(mismatches).toEqual([]);
  };

  /** The job's parts the artifact store holds (its fs store writes a .meta.json beside each object, last; a write cut short by SIGKILL leaves at most a file the store does not list). */
  const partFiles = async (id: string) => (await readdir(join(artifactsDir, 'batch', id)).catch(() => [] as string[])).filter((f) => f.endsWith('.meta.json') && !f.includes('.tmp')).map((f) => f.slice(0, -'.meta.json'.length));

  beforeAll(async () => {
    assertPythonStack();
    artifactsDir = await mkdtemp(join(tmpdir(), 'batch-artifacts-'));
    dataDir = await mkdtemp(join(tmpdir(), 'batch-data-'));
    await copyFile('data/sample.csv', join(dataDir, 'iris.csv'));
    await copyFile('data/diabetes.csv', join(dataDir, 'diabetes.csv'));
    await writeIrisRows(join(dataDir, 'rows.csv'), ROWS);
    await writeIrisRows(join(dataDir, 'rows.jsonl'), JSONL_ROWS, { format: 'jsonl', seed: 7 });
    const prefix = `test-batch-${process.pid}:`;
    const shared = { REDIS_KEY_PREFIX: prefix, PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, DATA_DIR: dataDir };
    // the hub runs no batch worker: jobs run in `npm run worker` processes the tests start and kill
    fixture = await HubFixture.start('batch', { mcpServers: {} }, { env: { ...shared, BATCH_WORKER_ENABLED: 'false', BATCH_MAX_QUEUED_JOBS: '3' } });
    workerEnv = { ...shared, DATABASE_URL: fixture.databaseUrl, BATCH_STALLED_INTERVAL_MS: '1000', TRAINING_WORKER_ENABLED: 'false', TELEMETRY_CONSUMER_ENABLED: 'false' };
    for (const [name, file] of [
      ['iris', 'iris.csv'],
      ['diabetes', 'diabetes.csv'],
      ['rows', 'rows.csv'],
    ]) {
      expect((await fixture.api.send('POST', '/api/ml/datasets', { uri: `local://${join(dataDir, file)}`, name })).status).toBe(201);
    }
    const trained = [
      await submitJob(fixture.api, { adapter: 'sklearn', algorithm: 'random_forest', dataset: 'iris', target: 'species', hyperparameters: { n_estimators: 30 }, registerAs: 'iris-rf' }),
      await submitJob(fixture.api, { adapter: 'node', algorithm: 'linear_regression', dataset: 'diabetes', target: 'progression', registerAs: 'diabetes-lr' }),
    ];
    for (const job of trained) expect(await waitForJob(fixture.api, job.id, (j) => j.registeredVersions?.length === 1)).toMatchObject({ status: 'succeeded' });
    for (const model of ['iris-rf', 'diabetes-lr']) expect((await fixture.api.send('POST', `/api/ml/models/${model}/versions/1/stage`, { stage: 'Production' })).status).toBe(200);
  }, 300_000);

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('bounds the queue: past BATCH_MAX_QUEUED_JOBS waiting jobs a submit is 503 with Retry-After; queued jobs cancel at once', async () => {
    const queued = [];
    for (let i = 0; i < 3; i++) queued.push(await submit({ model: 'iris-rf', input: { datasetId: 'rows' } }));
    expect(queued.map((j) => [j.status, j.version, j.ref, j.rowsTotal])).toEqual(Array(3).fill(['queued', 1, 'production', ROWS]));
    const full = await fetch(fixture.hub.url('/api/ml/batch-predictions'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'iris-rf', input: { datasetId: 'rows' } }) });
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('30');
    expect(await full.json()).toMatchObject({ code: 'BATCH_QUEUE_FULL', details: { limit: 3 } });
    for (const job of queued) expect((await fixture.api.send('POST', `/api/ml/batch-predictions/${job.id}/cancel`)).body).toMatchObject({ status: 'cancelled', errorKind: 'cancelled', rowsDone: 0 });
    expect((await fixture.api.send('POST', `/api/ml/batch-predictions/${queued[0].id}/cancel`)).body).toMatchObject({ code: 'BATCH_FINISHED' });
    expect((await submit({ model: 'iris-rf', input: { datasetId: 'iris' } })).status).toBe('queued');
    const listed = (await fixture.api.get('/api/ml/batch-predictions?status=cancelled&model=iris-rf&limit=2&offset=1')).body as Json[];
    expect(listed.map((j) => j.id)).toEqual([queued[1].id, queued[0].id]);
  });

  it('predicts a dataset: one output row per input row, ids in input order, each prediction equal to the online endpoint', async () => {
    await startWorker();
    const job = await submit({ model: 'iris-rf', ref: 'production', input: { datasetId: 'rows' }, output: { format: 'csv' }, idColumn: 'id', chunkSize: 4000 });
    const done = await waitForBatch(job.id);
    expect(done).toMatchObject({ status: 'succeeded', version: 1, rowsDone: ROWS, rowsTotal: ROWS, progress: 1, parts: Math.ceil(ROWS / 4000), attempts: 1, error: null });
    expect(done.outputColumns).toEqual(['id', 'prediction', ...CLASSES.map((c) => `probability_${c}`)]);
    const { status, text, headers } = await output(job.id);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('text/csv');
    expect(Number(headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: ROWS }, (_, i) => irisId(i + 1)));
    const inputs = (parse(await readFile(join(dataDir, 'rows.csv')), { columns: true }) as Record<string, string>[]).map(irisFeatures);
    await expectSameAsOnline(records, inputs);
    expect(await partFiles(job.id)).toHaveLength(done.parts);
  });

  it('predicts a JSON Lines file by URI into JSON Lines, rows numbered from 1; a regressor has no probability columns', async () => {
    const jsonl = await submit({ model: 'iris-rf', input: { uri: `local://${join(dataDir, 'rows.jsonl')}` }, output: { format: 'jsonl' }, chunkSize: 1000 });
    expect(jsonl).toMatchObject({ inputFormat: 'jsonl', rowsTotal: null });
    expect(await waitForBatch(jsonl.id)).toMatchObject({ status: 'succeeded', rowsTotal: JSONL_ROWS, rowsDone: JSONL_ROWS });
    const lines = (await output(jsonl.id)).text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string | number>);
    expect(lines.map((l) => l.row)).toEqual(Array.from({ length: JSONL_ROWS }, (_, i) => i + 1));
    const inputs = (await readFile(join(dataDir, 'rows.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    await expectSameAsOnline(lines, inputs);

    const regression = await submit({ model: 'diabetes-lr', input: { datasetId: 'diabetes' } });
    expect(await waitForBatch(regression.id)).toMatchObject({ status: 'succeeded', rowsDone: 442, outputColumns: ['row', 'prediction'] });
    const records = parse((await output(regression.id)).text, { columns: true, cast: true }) as { row: number; prediction: number }[];
    const rows = parse(await readFile(join(dataDir, 'diabetes.csv')), { columns: true, cast: true }) as Record<string, number>[];
    const answer = await online('diabetes-lr', 1, rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => column !== 'progression'))));
    expect(records.map((r) => r.row)).toEqual(rows.map((_, i) => i + 1));
    expect(records.map((r) => r.prediction)).toEqual(answer.predictions);
  });

  it('a worker SIGKILLed mid-file: the job resumes on another worker from its last chunk and the output has every id exactly once', async () => {
    const [a] = workers;
    const job = await submit({ model: 'iris-rf', input: { uri: `local://${join(dataDir, 'rows.csv')}` }, idColumn: 'id', chunkSize: 250 });
    const running = await waitForBatch(job.id, (j) => j.status === 'running' && j.rowsDone >= 5000);
    a.signal('SIGKILL');
    await a.exited;
    const atKill = (await fixture.api.get(`/api/ml/batch-predictions/${job.id}`)).body;
    expect(atKill).toMatchObject({ status: 'running', attempts: 1 });
    expect(atKill.rowsDone).toBeGreaterThanOrEqual(running.rowsDone);
    expect(atKill.rowsDone).toBeLessThan(ROWS);

    const b = await startWorker();
    const done = await waitForBatch(job.id);
    expect(done).toMatchObject({ status: 'succeeded', rowsDone: ROWS, rowsTotal: ROWS, attempts: 2, parts: ROWS / 250 });
    expect(b.logs.map((l) => l.msg)).toContain(`Batch prediction ${job.id}: attempt 2 resumes after row ${atKill.rowsDone} (${atKill.rowsDone / 250} parts committed)`);
    const records = parse((await output(job.id)).text, { columns: true }) as Record<string, string>[];
    const ids = records.map((r) => r.id);
    expect(ids).toHaveLength(ROWS);
    expect(new Set(ids).size).toBe(ROWS);
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => irisId(i + 1)));
    // the rows around the kill were predicted by the same pinned version as the rest
    const inputs = (parse(await readFile(join(dataDir, 'rows.csv')), { columns: true }) as Record<string, string>[]).map(irisFeatures);
    const around = atKill.rowsDone - 500;
    await expectSameAsOnline(records.slice(around, around + 1000), inputs.slice(around, around + 1000));
    // parts the dead attempt wrote but never committed are gone
    expect(await partFiles(job.id)).toHaveLength(done.parts);
  });

  it('on SIGTERM a running job stops after its chunk and goes back to the queue; the next worker finishes it', async () => {
    const b = workers.at(-1)!;
    const job = await submit({ model: 'iris-rf', input: { datasetId: 'rows' }, idColumn: 'id', chunkSize: 250 });
    await waitForBatch(job.id, (j) => j.status === 'running' && j.rowsDone >= 2500);
    b.signal('SIGTERM');
    expect((await b.exited).code).toBe(0);
    const requeued = (await fixture.api.get(`/api/ml/batch-predictions/${job.id}`)).body;
    expect(requeued).toMatchObject({ status: 'queued', attempts: 1, error: null });
    expect(requeued.rowsDone).toBeLessThan(ROWS);
    expect(b.logs.map((l) => l.msg)).toContain(`Batch prediction ${job.id} goes back to the queue after row ${requeued.rowsDone}: the worker is shutting down`);

    await startWorker();
    const done = await waitForBatch(job.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, rowsDone: ROWS });
    const ids = (parse((await output(job.id)).text, { columns: true }) as Record<string, string>[]).map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => irisId(i + 1)));
  });

  it('cancel stops a running job at its next chunk and deletes its output parts', async () => {
    const job = await submit({ model: 'iris-rf', input: { datasetId: 'rows' }, chunkSize: 100 });
    await waitForBatch(job.id, (j) => j.status === 'running' && j.rowsDone >= 1000);
    const cancelled = await fixture.api.send('POST', `/api/ml/batch-predictions/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', errorKind: 'cancelled' });
    for (let i = 0; i < 100 && (await partFiles(job.id)).length; i++) await sleep(100);
    expect(await partFiles(job.id)).toEqual([]);
    const after = (await fixture.api.get(`/api/ml/batch-predictions/${job.id}`)).body;
    expect(after).toMatchObject({ status: 'cancelled' });
    expect(after.rowsDone).toBeLessThan(ROWS);
    expect((await output(job.id)).status).toBe(409);
    expect((await fixture.api.send('POST', `/api/ml/batch-predictions/${job.id}/cancel`)).status).toBe(409);
  });

  it('refuses bad requests with 400 naming the field, unknown models and refs with 404; a bad row fails the job naming the row', async () => {
    const refusal = async (body: Record<string, unknown>) => {
      const { status, body: answer } = await fixture.api.send('POST', '/api/ml/batch-predictions', body);
      return { status, fields: Array.isArray(answer.details) ? (answer.details as { field: string }[]).map((d) => d.field) : undefined, message: answer.message as string };
    };
    expect(await refusal({ model: 'iris-rf' })).toMatchObject({ status: 400, fields: expect.arrayContaining(['input']) });
    expect(await refusal({ model: 'iris-rf', input: {} })).toMatchObject({ status: 400, fields: ['input'] });
    expect(await refusal({ model: 'iris-rf', input: { datasetId: 'rows', uri: 'local://x.csv' } })).toMatchObject({ status: 400, fields: ['input'] });
    expect(await refusal({ model: 'iris-rf', input: { datasetId: 'nope' } })).toMatchObject({ status: 400, fields: ['input.datasetId'] });
    expect(await refusal({ model: 'iris-rf', input: { datasetId: 'diabetes' } })).toMatchObject({ status: 400, fields: ['input.datasetId'], message: expect.stringContaining('sepal_length') });
    expect(await refusal({ model: 'iris-rf', input: { datasetId: 'rows' }, idColumn: 'sample' })).toMatchObject({ status: 400, fields: ['idColumn'] });
    expect(await refusal({ model: 'iris-rf', input: { uri: 'http://169.254.169.254/latest/meta-data' } })).toMatchObject({ status: 400, fields: ['input.uri'] });
    expect(await refusal({ model: 'iris-rf', input: { uri: 'file:///etc/passwd' } })).toMatchObject({ status: 400, fields: ['input.uri'] });
    expect(await refusal({ model: 'iris-rf', input: { uri: 'local:///etc/passwd' } })).toMatchObject({ status: 400, fields: ['input.uri'], message: expect.stringContaining('outside DATA_DIR') });
    expect(await refusal({ model: 'iris-rf', input: { uri: 'artifact://../../etc/passwd' } })).toMatchObject({ status: 400, fields: ['input.uri'] });
    expect(await refusal({ model: 'iris-rf', input: { uri: 'artifact://batch/none.csv' } })).toMatchObject({ status: 400, fields: ['input.uri'] });
    expect(await refusal({ model: 'iris-rf', input: { datasetId: 'rows' }, output: { format: 'xml' } })).toMatchObject({ status: 400, fields: ['output.format'] });
    expect(await refusal({ model: 'iris-rf', input: { datasetId: 'rows' }, chunkSize: 0 })).toMatchObject({ status: 400, fields: ['chunkSize'] });
    expect(await refusal({ model: 'no-such-model', input: { datasetId: 'rows' } })).toMatchObject({ status: 404 });
    expect(await refusal({ model: 'iris-rf', ref: '9', input: { datasetId: 'rows' } })).toMatchObject({ status: 404 });
    expect((await fixture.api.get('/api/ml/batch-predictions/0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f')).status).toBe(404);

    const lines = (await readFile(join(dataDir, 'rows.csv'), 'utf8')).split('\n').slice(0, 2001);
    lines[1234] = lines[1234].replace(/,[^,]+$/, ',abc');
    await writeFile(join(dataDir, 'bad-row.csv'), `${lines.join('\n')}\n`);
    const bad = await submit({ model: 'iris-rf', input: { uri: `local://${join(dataDir, 'bad-row.csv')}` }, idColumn: 'id', chunkSize: 500 });
    const failed = await waitForBatch(bad.id);
    expect(failed).toMatchObject({ status: 'failed', errorKind: 'data', attempts: 1, rowsDone: 1000 });
    expect(failed.error).toContain(`input row 1234 (id=${irisId(1234)}), column "petal_width"`);
    expect(failed.error).toContain('abc');
    for (let i = 0; i < 100 && (await partFiles(bad.id)).length; i++) await sleep(100);
    expect(await partFiles(bad.id)).toEqual([]);
  });

  it('the CLI submits with a progress bar and downloads; ml__batch_predict and ml__batch_status do the same over MCP', async () => {
    const cli = async (...args: string[]) => {
      const run = new NodeProcess('dist/src/cli/main.js', { HUB_URL: fixture.hub.url('') }, args);
      const { code } = await run.exited;
      return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') };
    };
    const file = join(dataDir, 'cli-out.csv');
    const run = await cli('batch', 'submit', 'iris-rf', '--dataset', 'rows', '--chunk-size', '2000', '--id-column', 'id', '--wait', '-o', file);
    expect(run.code).toBe(0);
    const progress = run.stderr.split('\n').filter((line) => /^\[\s*\d+%\] (queued|running|succeeded) · [\d,]+ \/ 50,000 rows$/.test(line));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toBe('[100%] succeeded · 50,000 / 50,000 rows');
    expect(run.stdout).toMatch(/status\s*│ succeeded/);
    const written = await readFile(file, 'utf8');
    expect(written.trimEnd().split('\n')).toHaveLength(ROWS + 1);
    const id = /batch prediction ([0-9a-f-]{36})/.exec(run.stderr)![1];
    expect(JSON.parse((await cli('batch', 'status', id, '--json')).stdout)).toMatchObject({ id, status: 'succeeded', rowsDone: ROWS });
    expect((await cli('batch', 'download', id)).stdout).toBe(written.trimEnd());
    expect((await cli('batch', 'list', '--model', 'iris-rf', '--status', 'succeeded')).stdout).toContain(id);
    const missing = await cli('batch', 'submit', 'iris-rf', '--dataset', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('400 VALIDATION_FAILED: input.datasetId: no dataset with id or name "nope"');

    const client = new Client({ name: 'batch-tools-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    try {
      const queued = (await client.callTool({ name: 'ml__batch_predict', arguments: { model: 'iris-rf', input: { datasetId: 'iris' }, output: { format: 'jsonl' } } })).structuredContent as { id: string; version: number };
      expect(queued.version).toBe(1);
      await waitForBatch(queued.id);
      const status = (await client.callTool({ name: 'ml__batch_status', arguments: { id: queued.id } })).structuredContent as Json;
      expect(status).toMatchObject({ status: 'succeeded', rowsDone: 150, outputUrl: `/api/ml/batch-predictions/${queued.id}/output` });
      const bad = await client.callTool({ name: 'ml__batch_predict', arguments: { model: 'iris-rf', input: { uri: 'https://example.com/rows.csv' } } });
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.structuredContent)).toContain('input.uri');
    } finally {
      await client.close();
    }
  });
});
