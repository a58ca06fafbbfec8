import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { NodeProcess, ROOT } from '../support/hub-process';
import { submitJob, waitForJob } from '../support/ml';

describe('mcp-hub predict', () => {
  let fixture: HubFixture;
  let dir: string;
  let iris: Record<string, number>[];

  const cli = async (...args: string[]) => {
    const run = new NodeProcess('dist/src/cli/main.js', { HUB_URL: fixture.hub.url('') }, args);
    const { code } = await run.exited;
    return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') };
  };
  const restPredict = async (rows: unknown[], ref = 'production') => {
    const response = await fixture.api.send('POST', `/api/ml/models/iris-classifier/predict?ref=${ref}`, { instances: rows });
    expect(response.status).toBe(200);
    return response.body as { model: { name: string; version: number }; predictions: string[]; probabilities: Record<string, number>[] };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'predict-cli-'));
    fixture = await HubFixture.start('predict-cli', { mcpServers: {} }, { env: { ARTIFACTS_DIR: join(dir, 'artifacts') } });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    for (const [algorithm, seed] of [['random_forest', 1], ['naive_bayes', 2]] as const) {
      const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm, dataset: 'iris', target: 'species', seed, registerAs: 'iris-classifier' })).id);
      expect(job.status).toBe('succeeded');
    }
    expect((await fixture.api.send('POST', '/api/ml/models/iris-classifier/versions/1/stage', { stage: 'Production' })).status).toBe(200);
    const [header, ...lines] = (await readFile(join(ROOT, 'data/sample.csv'), 'utf8')).trim().split('\n');
    const columns = header.split(',').slice(0, 4);
    iris = lines.map((line) => Object.fromEntries(line.split(',').slice(0, 4).map((value, i) => [columns[i], Number(value)])));
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('--json with one row prints a table with the prediction and class probabilities of the Production version', async () => {
    const run = await cli('predict', 'iris-classifier', '--json', JSON.stringify(iris[0]));
    expect(run.code).toBe(0);
    const rest = await restPredict([iris[0]]);
    expect(run.stdout).toContain('iris-classifier version 1');
    expect(run.stdout).toMatch(/row\s*│ prediction\s*│ p\(setosa\)\s*│ p\(versicolor\)\s*│ p\(virginica\)/);
    expect(run.stdout).toMatch(new RegExp(`0\\s*│ ${rest.predictions[0]}\\s*│`));
  });

  it('--output json with a list of rows and --ref gives what REST gives', async () => {
    const rows = iris.slice(48, 53);
    const run = await cli('predict', 'iris-classifier', '--ref', '2', '--json', JSON.stringify(rows), '--output', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(await restPredict(rows, '2'));
  });

  it('a large --input file goes in chunks with a progress bar; every row comes back once, in order', async () => {
    const rows = Array.from({ length: 2600 }, (_, i) => iris[i % iris.length]);
    const file = join(dir, 'rows.jsonl');
    await writeFile(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const run = await cli('predict', 'iris-classifier', '--input', file, '--batch-size', '1000', '--output', 'jsonl');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').map((line) => JSON.parse(line) as { row: number; prediction: string; probabilities: Record<string, number> });
    expect(lines.map((l) => l.row)).toEqual(rows.map((_, i) => i));
    const expected = await restPredict(iris);
    expect(lines.map((l) => l.prediction)).toEqual(rows.map((_, i) => expected.predictions[i % iris.length]));
    expect(lines[151].probabilities).toEqual(expected.probabilities[1]);
    const progress = run.stderr.split('\n').filter((line) => /^\[\s*\d+%\] predicting · \d+ rows$/.test(line));
    expect(progress.map((line) => Number(/(\d+) rows/.exec(line)![1]))).toEqual([2000, 2600]);
    expect(progress.at(-1)).toMatch(/^\[100%\]/);
  });

  it('bad input: the hub\'s 400 naming the row (counted from the start of the file) and column, exit 1; bad JSON and unknown models too', async () => {
    const rows: Record<string, unknown>[] = iris.slice(0, 100).concat(iris.slice(0, 100), iris.slice(0, 100));
    rows[250] = { ...rows[250], petal_width: 'wide' };
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const bad = await cli('predict', 'iris-classifier', '--input', file, '--batch-size', '100');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^mcp-hub: 400 VALIDATION_FAILED: instances\[250\]\.petal_width: wrong type/m);
    expect(bad.stderr).toContain('(row numbers count from the start of the input)');

    const first = await cli('predict', 'iris-classifier', '--json', JSON.stringify({ ...iris[0], sepal_length: null, petal_width: 'x' }));
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('400 VALIDATION_FAILED: instances[0].petal_width');

    const notJson = join(dir, 'not-json.jsonl');
    await writeFile(notJson, `${JSON.stringify(iris[0])}\n{"sepal_length": \n`);
    const broken = await cli('predict', 'iris-classifier', '--input', notJson);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${notJson} line 2: not JSON`);

    const unknown = await cli('predict', 'no-such-model', '--json', JSON.stringify(iris[0]));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('404 MODEL_NOT_FOUND: model "no-such-model" was not found');
    const neither = await cli('predict', 'iris-classifier');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('give the rows with --json');
  });
});
