import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import { Preprocessor } from '../../src/ml/adapters/node/preprocessing';
import { HubFixture } from '../support/hub-fixture';
import { assertPythonStack, csvRows, IRIS_FEATURES, predictWithPythonFile, PYTHON_BIN, trainAndRegister } from '../support/ml';

describe('online predictions: POST /api/ml/models/{name}/predict', () => {
  let fixture: HubFixture;
  let artifactsDir: string;
  let iris: Record<string, string | number>[];
  const features = (rows: Record<string, unknown>[]) => rows.map((row) => Object.fromEntries(IRIS_FEATURES.map((f) => [f, row[f]])));
  const predict = (name: string, body: unknown, ref?: string) => fixture.api.send('POST', `/api/ml/models/${name}/predict${ref ? `?ref=${ref}` : ''}`, body);
  const artifactOf = async (name: string) => join(artifactsDir, (await fixture.api.get(`/api/ml/models/${name}/versions/production`)).body.artifactKey);

  beforeAll(async () => {
    assertPythonStack();
    artifactsDir = await mkdtemp(join(tmpdir(), 'inference-artifacts-'));
    fixture = await HubFixture.start('inference', { mcpServers: {} }, { env: { PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, SERVING_CACHE_DIR: join(artifactsDir, 'serving-cache'), TRAINING_CONCURRENCY: '2' } });
    iris = csvRows(await readFile('data/sample.csv', 'utf8'));
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    const base = { dataset: 'iris', target: 'species', seed: 7 };
    await Promise.all([
      trainAndRegister(fixture.api, 'iris-sk', { ...base, adapter: 'sklearn', algorithm: 'random_forest', hyperparameters: { n_estimators: 30 } }),
      trainAndRegister(fixture.api, 'iris-node', { ...base, adapter: 'node', algorithm: 'random_forest', hyperparameters: { n_estimators: 20 } }),
    ]);
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('an sklearn classifier answers what its stored file predicts when a script loads it directly', async () => {
    const rows = features(iris.filter((_, i) => i % 5 === 0));
    const { status, body } = await predict('iris-sk', { instances: rows });
    expect(status).toBe(200);
    expect(body.model).toEqual({ name: 'iris-sk', version: 1 });
    const direct = predictWithPythonFile(await artifactOf('iris-sk'), rows);
    expect(body.predictions).toEqual(direct.predictions);
    expect(body.probabilities).toHaveLength(rows.length);
    body.probabilities.forEach((row: Record<string, number>, i: number) => {
      for (const [label, p] of Object.entries(direct.probabilities![i])) expect(row[label]).toBeCloseTo(p, 12);
    });
    expect(new Set(body.predictions)).toEqual(new Set(['setosa', 'versicolor', 'virginica']));
  });

  it('a node classifier answers what mljs predicts from its model.json loaded directly', async () => {
    const rows = features(iris.filter((_, i) => i % 3 === 0));
    const { status, body } = await predict('iris-node', { dataframe_split: { columns: IRIS_FEATURES, data: rows.map((r) => IRIS_FEATURES.map((f) => r[f])) } });
    expect(status).toBe(200);
    const file = JSON.parse(await readFile(await artifactOf('iris-node'), 'utf8'));
    const x = Preprocessor.load(file.preprocessing).transform(rows.map((r) => IRIS_FEATURES.map((f) => r[f] as number)));
    const forest = RandomForestClassifier.load(file.model);
    expect(body.predictions).toEqual(forest.predict(x).map((i: number) => file.classes[i]));
    const perClass = file.classes.map((_: string, c: number) => forest.predictProbability(x, c));
    expect(body.probabilities).toEqual(rows.map((_, i) => Object.fromEntries(file.classes.map((label: string, c: number) => [label, perClass[c][i]]))));
  });

  it('refuses a bad row before any model runs: 400 naming the row and the column; unknown model or ref → 404', async () => {
    const good = features([iris[0]])[0];
    const { petal_width: _dropped, ...missing } = good;
    const bad = await predict('iris-sk', { instances: [good, missing, { ...good, sepal_length: 'long' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      { field: 'instances[1].petal_width', reason: 'missing column (the model takes a number)' },
      { field: 'instances[2].sepal_length', reason: 'wrong type: expected a number, got the string "long"' },
    ]);
    expect((await predict('nope', { instances: [good] })).body.code).toBe('MODEL_NOT_FOUND');
    const ref = await predict('iris-sk', { instances: [good] }, '9');
    expect([ref.status, ref.body.code]).toEqual([404, 'MODEL_VERSION_NOT_FOUND']);
  });
});
