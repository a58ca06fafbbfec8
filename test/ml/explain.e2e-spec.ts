import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HubFixture } from '../support/hub-fixture';
import { NodeProcess } from '../support/hub-process';
import type { Json } from '../support/http';
import { assertPythonStack, IRIS_FEATURES, PYTHON_BIN, trainAndRegister } from '../support/ml';

/** y = 3a − 2b + 0.5c with a little noise, on a seeded grid. */
function linearRows(): string {
  const lines = ['a,b,c,y'];
  for (let i = 0; i < 200; i++) {
    const a = (i % 10) - 5;
    const b = ((i * 7) % 13) - 6;
    const c = ((i * 3) % 17) / 2;
    lines.push(`${a},${b},${c},${(3 * a - 2 * b + 0.5 * c + ((i % 5) - 2) * 0.01).toFixed(4)}`);
  }
  return lines.join('\n');
}

/** The label is the sign of `signal`; noise_a and noise_b are pure noise (a seeded generator). */
function signalRows(): string {
  let state = 99;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const lines = ['signal,noise_a,noise_b,label'];
  for (let i = 0; i < 600; i++) {
    const [signal, a, b] = [random(), random(), random()];
    lines.push(`${signal.toFixed(4)},${a.toFixed(4)},${b.toFixed(4)},${signal > 0 ? 'yes' : 'no'}`);
  }
  return lines.join('\n');
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((s, v) => s + v, 0);
const SETOSA = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const VERSICOLOR = { sepal_length: 6.0, sepal_width: 2.7, petal_length: 4.5, petal_width: 1.4 };

describe('explanations: Shapley values of registered models', () => {
  let fixture: HubFixture;
  let dataDir: string;
  const post = (path: string, body: unknown) => fixture.api.send('POST', path, body);

  beforeAll(async () => {
    assertPythonStack();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-explain-'));
    fixture = await HubFixture.start('explain', { mcpServers: {} }, { env: { DATA_DIR: dataDir, PYTHON_BIN, ARTIFACTS_DIR: join(dataDir, 'artifacts') } });
    await writeFile(join(dataDir, 'linear.csv'), linearRows());
    await writeFile(join(dataDir, 'signal.csv'), signalRows());
    await copyFile('data/sample.csv', join(dataDir, 'iris.csv'));
    for (const name of ['linear', 'iris', 'signal']) expect((await post('/api/ml/datasets', { uri: `local://${join(dataDir, `${name}.csv`)}`, name })).status).toBe(201);
    await trainAndRegister(fixture.api, 'linear', { adapter: 'node', algorithm: 'linear_regression', dataset: 'linear', target: 'y' });
    await trainAndRegister(fixture.api, 'iris-forest', { adapter: 'node', algorithm: 'random_forest', dataset: 'iris', target: 'species', hyperparameters: { n_estimators: 20 } });
    await trainAndRegister(fixture.api, 'signal-node', { adapter: 'node', algorithm: 'random_forest', dataset: 'signal', target: 'label', hyperparameters: { n_estimators: 30 } });
    await trainAndRegister(fixture.api, 'signal-sklearn', { adapter: 'sklearn', algorithm: 'random_forest', dataset: 'signal', target: 'label', hyperparameters: { n_estimators: 50 } });
    await trainAndRegister(fixture.api, 'iris-sklearn', { adapter: 'sklearn', algorithm: 'random_forest', dataset: 'iris', target: 'species', hyperparameters: { n_estimators: 30 } });
  }, 240_000);

  afterAll(async () => {
    await fixture?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('on a linear model equals coefficient × (x − mean of the background), exactly', async () => {
    const background = [
      { a: 1, b: 2, c: 3 },
      { a: -2, b: 0, c: 1 },
      { a: 4, b: -3, c: 0.5 },
    ];
    const x = { a: 2.5, b: -1, c: 6 };
    const predict = async (row: object) => ((await post('/api/ml/models/linear/predict', { instances: [row] })).body.predictions[0] as number);
    const at = await predict(x);
    const answer = await post('/api/ml/models/linear/explain', { instances: [x], background: { rows: background } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ model: { name: 'linear' }, method: 'exact', background: { rows: 3, source: 'request' } });
    const [result] = answer.body.results;
    expect(result.output).toEqual({ kind: 'value' });
    expect(result.value).toBeCloseTo(at, 9);
    for (const column of ['a', 'b', 'c'] as const) {
      // the model's own coefficient: its change for one unit of the column
      const coefficient = (await predict({ ...x, [column]: x[column] + 1 })) - at;
      const mean = background.reduce((s, b) => s + b[column], 0) / background.length;
      expect(result.contributions[column]).toBeCloseTo(coefficient * (x[column] - mean), 9);
    }
    expect(result.baseValue + sum(result.contributions)).toBeCloseTo(result.value, 9);
  });

  it('on a 4-feature random forest samples within 0.01 of exact enumeration, and sums to the predicted probability', async () => {
    const exact = await post('/api/ml/models/iris-forest/explain', { instances: [VERSICOLOR, SETOSA], method: 'exact' });
    const sampled = await post('/api/ml/models/iris-forest/explain', { instances: [VERSICOLOR, SETOSA], method: 'sampled', permutations: 1000 });
    expect(exact.status).toBe(200);
    expect(sampled.body).toMatchObject({ method: 'sampled', permutations: 1000, background: { rows: 50, source: 'dataset iris' } });
    const predicted = (await post('/api/ml/models/iris-forest/predict', { instances: [VERSICOLOR, SETOSA] })).body;
    exact.body.results.forEach((result: Json, i: number) => {
      expect(result.output).toEqual({ kind: 'probability', class: predicted.predictions[i] });
      expect(result.value).toBeCloseTo(predicted.probabilities[i][predicted.predictions[i]], 9);
      expect(result.baseValue + sum(result.contributions)).toBeCloseTo(result.value, 9);
      for (const column of IRIS_FEATURES) expect(Math.abs(sampled.body.results[i].contributions[column] - result.contributions[column])).toBeLessThan(0.01);
    });
    // petals tell iris species apart: they carry most of the setosa row's explanation
    const setosa = exact.body.results[1].contributions;
    expect(Math.abs(setosa.petal_length) + Math.abs(setosa.petal_width)).toBeGreaterThan(Math.abs(setosa.sepal_length) + Math.abs(setosa.sepal_width));
  });

  it('explains Python models through the serving pool the same way', async () => {
    const answer = await post('/api/ml/models/iris-sklearn/explain', { instances: [VERSICOLOR], background: { size: 20 } });
    expect(answer.status).toBe(200);
    const [result] = answer.body.results;
    expect(answer.body.background).toEqual({ rows: 20, source: 'dataset iris' });
    expect(result.baseValue + sum(result.contributions)).toBeCloseTo(result.value, 9);
  });

  it('permutation importance ranks the column the target depends on first and pure noise last, for Node and Python models', async () => {
    for (const model of ['signal-node', 'signal-sklearn']) {
      const answer = await fixture.api.get(`/api/ml/models/${model}/versions/latest/importance?repeats=5`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ model: { name: model, version: 1 }, metric: 'accuracy', repeats: 5, cached: false, rows: 120 });
      const columns = answer.body.importances.map((i: Json) => i.column);
      expect(columns[0]).toBe('signal');
      expect(columns.slice(1).sort()).toEqual(['noise_a', 'noise_b']);
      expect(answer.body.importances[0].mean).toBeGreaterThan(0.2);
      for (const noise of answer.body.importances.slice(1)) expect(Math.abs(noise.mean)).toBeLessThan(0.05);
      expect(answer.body.baseline).toBeGreaterThan(0.9);
      expect((await fixture.api.get(`/api/ml/models/${model}/versions/latest/importance?repeats=5`)).body).toMatchObject({ cached: true, importances: answer.body.importances });
    }
    const f1 = await fixture.api.get('/api/ml/models/signal-node/versions/1/importance?metric=f1_macro&repeats=2');
    expect(f1.body).toMatchObject({ metric: 'f1_macro', repeats: 2 });
    expect((await fixture.api.get('/api/ml/models/signal-node/versions/1/importance?metric=rmse')).body.details).toEqual([
      { field: 'metric', reason: expect.stringMatching(/^"rmse" is not a classification metric/) },
    ]);
  });

  it('refuses rows that do not fit, and too much work, naming the field', async () => {
    expect((await post('/api/ml/models/iris-forest/explain', { instances: [{ ...SETOSA, petal_width: 'wide' }] })).body.details).toEqual([
      expect.objectContaining({ field: 'instances[0].petal_width' }),
    ]);
    expect((await post('/api/ml/models/iris-forest/explain', { instances: [SETOSA], background: { rows: [{ petal_length: 1 }] } })).body.details[0].field).toBe('background.rows[0].sepal_length');
    expect((await post('/api/ml/models/iris-forest/explain', { instances: Array(11).fill(SETOSA) })).status).toBe(400);
    expect((await post('/api/ml/models/nope/explain', { instances: [SETOSA] })).status).toBe(404);
  });

  it('is offered to MCP clients and on the command line', async () => {
    const client = new Client({ name: 'explain-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    const result = await client.callTool({ name: 'ml__explain', arguments: { model: 'iris-forest', rows: [SETOSA] } });
    const explained = JSON.parse((result.content as { text: string }[])[0].text);
    expect(explained.results[0].contributions).toHaveProperty('petal_length');
    await client.close();

    const cli = new NodeProcess('dist/src/cli/main.js', { HUB_URL: fixture.hub.url('') }, ['explain', 'iris-forest', '--json', JSON.stringify(SETOSA)]);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout.join('\n')).toMatch(/exact Shapley values against 50 background rows \(dataset iris\)/);
    expect(cli.stdout.join('\n')).toMatch(/petal_(length|width)/);
  });
});
