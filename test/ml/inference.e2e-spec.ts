import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import MultivariateLinearRegression from 'ml-regression-multivariate-linear';
import { Preprocessor } from '../../src/ml/adapters/node/preprocessing';
import { HubFixture } from '../support/hub-fixture';
import { Json } from '../support/http';
import { sleep } from '../support/hub-process';
import { assertPythonStack, csvRows, customersCsv, IRIS_FEATURES, predictWithPythonFile, PYTHON_BIN, trainAndRegister } from '../support/ml';
import { queryDatabase } from '../support/test-database';

type Row = Record<string, unknown>;

const DIABETES_FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const CUSTOMER_FEATURES = ['age', 'region', 'member', 'visits'];
const pick = (rows: Row[], columns: string[]) => rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));

/** Equal up to float noise of a different batch size (torch) — relative 1e-6. */
function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[i]))));
}

function expectSameProbabilities(actual: Record<string, number>[], expected: Record<string, number>[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => {
    expect(Object.keys(row).sort()).toEqual(Object.keys(expected[i]).sort());
    expectClose(Object.keys(row).map((k) => row[k]), Object.keys(row).map((k) => expected[i][k]));
  });
}

describe('online predictions: POST /api/ml/models/{name}/predict', () => {
  let fixture: HubFixture;
  let artifactsDir: string;
  let iris: Row[];
  let diabetes: Row[];
  let customers: Row[];
  const uploaded: string[] = [];
  const predict = (name: string, body: unknown, ref?: string) => fixture.api.send('POST', `/api/ml/models/${name}/predict${ref ? `?ref=${ref}` : ''}`, body);
  const fileOf = async (name: string, ref = 'production') => join(artifactsDir, (await fixture.api.get(`/api/ml/models/${name}/versions/${ref}`)).body.artifactKey);

  const uploadDataset = async (name: string, csv: string) => {
    const form = new FormData();
    form.append('file', new Blob([csv]), `${name}.csv`);
    form.append('name', name);
    const response = await fetch(fixture.hub.url('/api/ml/datasets'), { method: 'POST', body: form });
    const body = (await response.json()) as { uri: string };
    uploaded.push(body.uri.replace('local://', ''));
  };

  beforeAll(async () => {
    assertPythonStack();
    artifactsDir = await mkdtemp(join(tmpdir(), 'inference-artifacts-'));
    fixture = await HubFixture.start('inference', { mcpServers: {} }, {
      env: { PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, SERVING_CACHE_DIR: join(artifactsDir, 'serving-cache'), TRAINING_CONCURRENCY: '2', PREDICTION_LOG_SAMPLE_RATE: '1' },
    });
    iris = csvRows(await readFile('data/sample.csv', 'utf8'));
    diabetes = csvRows(await readFile('data/diabetes.csv', 'utf8'));
    customers = csvRows(customersCsv(240)).map((row) => ({ ...row, member: row.member === 'true' }));
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/diabetes.csv', name: 'diabetes' });
    await uploadDataset('customers', customersCsv(240));
    const irisJob = { dataset: 'iris', target: 'species', seed: 7 };
    const diabetesJob = { dataset: 'diabetes', target: 'progression', seed: 7 };
    const customersJob = { dataset: 'customers', target: 'churn', features: CUSTOMER_FEATURES, seed: 7 };
    // torch's runtime probe imports torch (slow on a busy machine): it runs before the other jobs load the CPU,
    // and promotions (which load the models into the serving pool) wait until every job is done
    await trainAndRegister(fixture.api, 'iris-torch', { ...irisJob, adapter: 'torch', algorithm: 'mlp', hyperparameters: { epochs: 30, hidden_layers: [16] } }, null);
    await trainAndRegister(fixture.api, 'diabetes-torch', { ...diabetesJob, adapter: 'torch', algorithm: 'mlp', hyperparameters: { epochs: 20, hidden_layers: [16] } }, null);
    await Promise.all([
      trainAndRegister(fixture.api, 'iris-sk', { ...irisJob, adapter: 'sklearn', algorithm: 'random_forest', hyperparameters: { n_estimators: 30 } }, null),
      trainAndRegister(fixture.api, 'iris-node', { ...irisJob, adapter: 'node', algorithm: 'random_forest', hyperparameters: { n_estimators: 20 } }, null),
      trainAndRegister(fixture.api, 'diabetes-sk', { ...diabetesJob, adapter: 'sklearn', algorithm: 'random_forest', hyperparameters: { n_estimators: 20 } }, null),
      trainAndRegister(fixture.api, 'diabetes-node', { ...diabetesJob, adapter: 'node', algorithm: 'linear_regression' }, null),
      trainAndRegister(fixture.api, 'customers-sk', { ...customersJob, adapter: 'sklearn', algorithm: 'logistic_regression' }, null),
      trainAndRegister(fixture.api, 'customers-node', { ...customersJob, adapter: 'node', algorithm: 'random_forest', hyperparameters: { n_estimators: 10 } }, null),
    ]);
    for (const name of ['iris-torch', 'diabetes-torch', 'iris-sk', 'iris-node', 'diabetes-sk', 'diabetes-node', 'customers-sk']) {
      expect((await fixture.api.send('POST', `/api/ml/models/${name}/versions/1/stage`, { stage: 'Production' })).status).toBe(200);
    }
  }, 600_000);

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
    for (const path of uploaded) await rm(path, { force: true });
  });

  describe('predictions equal what the stored file predicts when loaded directly, same rows', () => {
    it.each([
      ['iris-sk', 'sklearn classifier'],
      ['iris-torch', 'torch classifier'],
      ['diabetes-sk', 'sklearn regressor'],
      ['diabetes-torch', 'torch regressor'],
      ['customers-sk', 'sklearn classifier on category and boolean columns'],
    ])('%s (%s), by a Python script', async (name) => {
      const [source, columns] = name.startsWith('iris') ? [iris, IRIS_FEATURES] : name.startsWith('diabetes') ? [diabetes, DIABETES_FEATURES] : [customers, CUSTOMER_FEATURES];
      const rows = pick(source.filter((_, i) => i % 4 === 1), columns);
      const { status, body } = await predict(name, { instances: rows });
      expect(status).toBe(200);
      expect(body.model).toEqual({ name, version: 1 });
      const direct = await predictWithPythonFile(await fileOf(name), rows);
      if (direct.probabilities) {
        expect(body.predictions).toEqual(direct.predictions);
        expectSameProbabilities(body.probabilities, direct.probabilities);
        expect(new Set(body.predictions).size).toBeGreaterThan(1);
      } else {
        expectClose(body.predictions, direct.predictions as number[]);
        expect(body.probabilities).toBeNull();
      }
    });

    it('node classifier and regressor, by mljs loading model.json', async () => {
      const irisRows = pick(iris.filter((_, i) => i % 3 === 0), IRIS_FEATURES);
      const classified = await predict('iris-node', { instances: irisRows });
      const irisFile = JSON.parse(await readFile(await fileOf('iris-node'), 'utf8'));
      const x = Preprocessor.load(irisFile.preprocessing).transform(irisRows.map((r) => IRIS_FEATURES.map((f) => r[f] as number)));
      const forest = RandomForestClassifier.load(irisFile.model);
      expect(classified.body.predictions).toEqual(forest.predict(x).map((i: number) => irisFile.classes[i]));
      const perClass = irisFile.classes.map((_: string, c: number) => forest.predictProbability(x, c));
      expect(classified.body.probabilities).toEqual(irisRows.map((_, i) => Object.fromEntries(irisFile.classes.map((label: string, c: number) => [label, perClass[c][i]]))));

      const diabetesRows = pick(diabetes.filter((_, i) => i % 5 === 0), DIABETES_FEATURES);
      const regressed = await predict('diabetes-node', { instances: diabetesRows });
      const diabetesFile = JSON.parse(await readFile(await fileOf('diabetes-node'), 'utf8'));
      const linear = MultivariateLinearRegression.load(diabetesFile.model);
      const expected = (linear.predict(Preprocessor.load(diabetesFile.preprocessing).transform(diabetesRows.map((r) => DIABETES_FEATURES.map((f) => r[f] as number)))) as number[][]).map((r) => r[0]);
      expect(regressed.body).toEqual({ model: { name: 'diabetes-node', version: 1 }, predictions: expected, probabilities: null });
    });
  });

  it("accepts MLflow's scoring shapes with the same answers, and /invocations answers as MLflow does", async () => {
    const rows = pick(iris.slice(45, 55), IRIS_FEATURES);
    const expected = (await predict('iris-sk', { instances: rows })).body;
    const split = { dataframe_split: { columns: IRIS_FEATURES, data: rows.map((r) => IRIS_FEATURES.map((f) => r[f])) } };
    const byColumn = { inputs: Object.fromEntries(IRIS_FEATURES.map((f) => [f, rows.map((r) => r[f])])) };
    for (const body of [{ dataframe_records: rows }, split, { inputs: rows }, byColumn, { ...split, params: {} }]) expect((await predict('iris-sk', body)).body).toEqual(expected);
    const invocations = await fixture.api.send('POST', '/api/ml/models/iris-sk/invocations', split);
    expect(invocations).toEqual({ status: 200, body: { predictions: expected.predictions } });
    const twoShapes = await predict('iris-sk', { instances: rows, inputs: rows });
    expect(twoShapes.body.details).toEqual([{ field: 'inputs', reason: 'give only one of instances, inputs' }]);
    const short = await predict('iris-sk', { dataframe_split: { columns: IRIS_FEATURES, data: [[5.1, 3.5, 1.4]] } });
    expect(short.body.details).toEqual([{ field: 'dataframe_split.data[0]', reason: 'has 3 values for 4 columns' }]);
  });

  it('refuses each bad row before any model runs: 400 naming the row, the column and the reason', async () => {
    const good = pick(customers.slice(0, 1), CUSTOMER_FEATURES)[0];
    const { visits: _visits, ...missing } = good;
    const cases: [Row, string, string][] = [
      [missing, 'instances[1].visits', 'missing column (the model takes a number)'],
      [{ ...good, age: '41' }, 'instances[1].age', 'wrong type: expected a number, got the string "41"'],
      [{ ...good, member: 'yes' }, 'instances[1].member', 'wrong type: expected true or false, got the string "yes"'],
      [{ ...good, region: 'west' }, 'instances[1].region', 'unknown category "west": the model knows "east", "north", "south"'],
      [{ ...good, region: 3 }, 'instances[1].region', 'wrong type: expected a string, got number 3'],
    ];
    for (const name of ['customers-sk']) {
      for (const [row, field, reason] of cases) {
        const { status, body } = await predict(name, { instances: [good, row] });
        expect({ status, code: body.code, details: body.details }).toEqual({ status: 400, code: 'VALIDATION_FAILED', details: [{ field, reason }] });
      }
    }
    const inputs = await predict('customers-node', { inputs: { ...Object.fromEntries(CUSTOMER_FEATURES.map((c) => [c, [good[c]]])), region: ['west'] } }, 'latest');
    expect(inputs.body.details).toEqual([{ field: 'inputs.region[0]', reason: 'unknown category "west": the model knows "east", "north", "south"' }]);
    expect((await predict('customers-sk', { instances: [{ ...good, region: null, age: null }] })).status).toBe(200);
    await sleep(1500);
    const sampled = async (where: string) => Number((await queryDatabase<{ n: string }>(fixture.databaseUrl, `SELECT count(*) AS n FROM mcp_hub.prediction_samples WHERE model = 'customers-sk' AND ${where}`))[0].n);
    expect(await sampled(`input->'region' = 'null'::jsonb`)).toBe(1);
    expect(await sampled(`(input->>'region' = 'west' OR input->>'member' = 'yes' OR input->>'age' = '41' AND jsonb_typeof(input->'age') = 'string')`)).toBe(0);
  });

  it('picks the version by ref; unknown model or ref → 404; no Production version → 404 saying to promote one', async () => {
    const rows = pick(customers.slice(0, 3), CUSTOMER_FEATURES);
    expect((await predict('customers-node', { instances: rows }, '1')).body.model).toEqual({ name: 'customers-node', version: 1 });
    await fixture.api.send('PUT', '/api/ml/models/customers-node/aliases/champion', { version: 1 });
    expect((await predict('customers-node', { instances: rows }, 'champion')).status).toBe(200);
    const none = await predict('customers-node', { instances: rows });
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ code: 'NO_PRODUCTION_VERSION', message: expect.stringContaining('promote one') });
    expect((await predict('customers-node', { instances: rows }, 'staging')).body.code).toBe('MODEL_VERSION_NOT_FOUND');
    expect((await predict('nobody', { instances: rows })).body.code).toBe('MODEL_NOT_FOUND');
    expect((await predict('customers-node', { instances: rows }, '7')).status).toBe(404);
    expect((await predict('customers-node', { instances: rows }, 'bad ref')).status).toBe(400);
  });

  it('a version registered from an uploaded pickle is refused with 409; an uploaded node model.json is served', async () => {
    await fixture.api.send('POST', '/api/ml/experiments', { name: 'external' });
    const upload = async (file: Buffer, fileName: string) => {
      const runId = (await fixture.api.send('POST', '/api/ml/experiments/external/runs', { name: fileName })).body.id as string;
      const form = new FormData();
      form.append('file', new Blob([file]), fileName);
      await fetch(fixture.hub.url(`/api/ml/runs/${runId}/artifacts`), { method: 'POST', body: form });
      await fetch(fixture.hub.url(`/api/ml/runs/${runId}/finish`), { method: 'POST' });
      return runId;
    };
    const pickle = await readFile(await fileOf('iris-sk'));
    expect((await fixture.api.send('POST', '/api/ml/models/outside-pickle/versions', { runId: await upload(pickle, 'model.pkl') })).status).toBe(201);
    const refused = await predict('outside-pickle', { instances: pick(iris.slice(0, 1), IRIS_FEATURES) }, 'latest');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'MODEL_NOT_SERVABLE', message: expect.stringContaining('input columns are unknown') });

    const json = await readFile(await fileOf('iris-node'));
    expect((await fixture.api.send('POST', '/api/ml/models/outside-node/versions', { runId: await upload(json, 'model.json') })).status).toBe(201);
    const rows = pick(iris.slice(60, 70), IRIS_FEATURES);
    const served = await predict('outside-node', { instances: rows }, 'latest');
    expect(served.body.predictions).toEqual((await predict('iris-node', { instances: rows })).body.predictions);
    const bad = await predict('outside-node', { instances: [{ ...rows[0], petal_width: 'wide' }] }, 'latest');
    expect(bad.body.details).toEqual([{ field: 'instances[0].petal_width', reason: 'wrong type: expected a number, got the string "wide"' }]);
  });

  it('every request publishes ml.prediction; sampled rows and outputs are stored for drift checks; health shows the pool', async () => {
    const rows = pick(iris.slice(100, 104), IRIS_FEATURES);
    const since = new Date();
    const lastSample = (await queryDatabase<{ id: string | null }>(fixture.databaseUrl, 'SELECT max(id) AS id FROM mcp_hub.prediction_samples'))[0].id ?? '0';
    const { body } = await predict('iris-torch', { instances: rows });
    await predict('iris-torch', { instances: [{}] });
    await sleep(1500);
    const events = await queryDatabase<{ data: Json }>(fixture.databaseUrl, `SELECT data FROM mcp_hub.telemetry_events WHERE type = 'ml.prediction' AND subject = 'iris-torch' AND time >= $1 ORDER BY time`, [since]);
    expect(events.map((e) => e.data)).toEqual([
      { model: 'iris-torch', version: 1, rows: 4, latencyMs: expect.any(Number), source: 'rest', actor: 'anonymous', outcome: 'ok' },
      { model: 'iris-torch', version: 1, rows: 1, latencyMs: expect.any(Number), source: 'rest', actor: 'anonymous', outcome: 'VALIDATION_FAILED' },
    ]);
    const samples = await queryDatabase<{ input: Json; prediction: Json; probabilities: Json; source: string }>(fixture.databaseUrl, `SELECT input, prediction, probabilities, source FROM mcp_hub.prediction_samples WHERE model = 'iris-torch' AND id > $1 ORDER BY id`, [lastSample]);
    expect(samples).toEqual(rows.map((input, i) => ({ input, prediction: body.predictions[i], probabilities: body.probabilities[i], source: 'rest' })));

    const health = (await fixture.api.get('/api/ml/health')).body.serving;
    expect(health.python.workers).toHaveLength(2);
    expect(health.python.workers.every((w: Json) => w.state === 'ready' && w.pid > 0)).toBe(true);
    const torchSha = createHash('sha256').update(await readFile(await fileOf('iris-torch'))).digest('hex');
    expect(health.python.workers.some((w: Json) => w.loaded.includes(torchSha))).toBe(true);
    expect(health.routes).toEqual(expect.arrayContaining([{ model: 'iris-torch', ref: 'Production', version: 1, runtime: 'torch' }, { model: 'iris-node', ref: 'Production', version: 1, runtime: 'node' }]));
    const overall = (await fixture.api.get('/api/health')).body.details.serving;
    expect(overall).toMatchObject({ status: 'up', pythonWorkers: [{ state: 'ready' }, { state: 'ready' }] });
  });
});
