import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { sleep } from '../support/hub-process';
import { assertPythonStack, childPids, IRIS_FEATURES, PYTHON_BIN, submitJob, waitForJob } from '../support/ml';
import { queryDatabase } from '../support/test-database';
import { Json } from '../support/http';

const jobCount = async (fixture: HubFixture) => Number((await queryDatabase<{ n: string }>(fixture.databaseUrl, 'SELECT count(*) AS n FROM mcp_hub.training_jobs'))[0].n);

describe('training: datasets, jobs on BullMQ, the three adapters, errors, cancel and timeout', () => {
  let fixture: HubFixture;
  let artifactsDir: string;

  beforeAll(async () => {
    assertPythonStack();
    artifactsDir = await mkdtemp(join(tmpdir(), 'training-artifacts-'));
    fixture = await HubFixture.start('training', { mcpServers: {} }, { env: { PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, TRAINING_CONCURRENCY: '2' } });
    const iris = await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    expect(iris.status).toBe(201);
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('profiles a registered dataset: columns, types, missing counts, hash and rows', async () => {
    const { status, body } = await fixture.api.get('/api/ml/datasets/iris');
    expect(status).toBe(200);
    expect(body.rowCount).toBe(150);
    expect(body.sha256).toBe(createHash('sha256').update(await readFile('data/sample.csv')).digest('hex'));
    expect(body.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['sepal_length:number', 'sepal_width:number', 'petal_length:number', 'petal_width:number', 'species:string']);
    expect(body.columns[4]).toMatchObject({ missing: 0, distinct: 3, top: expect.arrayContaining([{ value: 'setosa', count: 50 }]) });
    expect((await fixture.api.get('/api/ml/datasets/nope')).status).toBe(404);
    expect((await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' })).status).toBe(409);
  });

  it('reaches at least 0.9 holdout accuracy on Iris with sklearn random_forest, torch mlp and node random_forest', async () => {
    const base = { dataset: 'iris', target: 'species', seed: 42, validation: { holdout: 0.2 } };
    const jobs = [
      await submitJob(fixture.api, { ...base, adapter: 'sklearn', algorithm: 'random_forest', hyperparameters: { n_estimators: 100 } }),
      await submitJob(fixture.api, { ...base, adapter: 'torch', algorithm: 'mlp', hyperparameters: { epochs: 100, hidden_layers: [32, 16] } }),
      await submitJob(fixture.api, { ...base, adapter: 'node', algorithm: 'random_forest', hyperparameters: { n_estimators: 50 } }),
    ];
    expect(jobs.map((j) => j.task)).toEqual(['classification', 'classification', 'classification']);
    for (const submitted of jobs) {
      const job = await waitForJob(fixture.api, submitted.id);
      expect({ adapter: job.adapter, status: job.status, error: job.error }).toEqual({ adapter: submitted.adapter, status: 'succeeded', error: null });
      expect(job.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(Object.keys(job.metrics)).toEqual(expect.arrayContaining(['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'log_loss']));
      expect(job).toMatchObject({ progress: 1, attempts: 1 });

      const model = await readFile(join(artifactsDir, job.artifact.key));
      expect(createHash('sha256').update(model).digest('hex')).toBe(job.artifact.sha256);
      const metadata = JSON.parse(await readFile(join(artifactsDir, job.artifact.metadataKey), 'utf8'));
      expect(metadata).toMatchObject({ jobId: job.id, classes: ['setosa', 'versicolor', 'virginica'], target: 'species', metrics: job.metrics, seed: 42 });
      expect(metadata.features.map((f: { name: string }) => f.name)).toEqual(IRIS_FEATURES);
      expect(metadata.dataset.sha256).toBe((await fixture.api.get('/api/ml/datasets/iris')).body.sha256);
      expect(Object.keys(metadata.libraries)).toEqual(expect.arrayContaining(submitted.adapter === 'node' ? ['node', 'ml-random-forest'] : ['python', 'sklearn', 'numpy', 'pandas']));
    }
    const torchLogs = (await fixture.api.get(`/api/ml/training-jobs/${jobs[1].id}/logs`)).body as { seq: string; level: string; message: string }[];
    const losses = torchLogs.filter((l) => l.level === 'metric' && l.message.startsWith('loss='));
    expect(losses).toHaveLength(100);
    expect(losses[99].message).toContain('(step 100)');
    const seqs = torchLogs.map((l) => Number(l.seq));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    // Every transition went on the bus and, through telemetry, into PostgreSQL: wait until every job's are stored
    for (let i = 0; i < 100; i++) {
      const rows = await queryDatabase<{ subject: string; type: string }>(
        fixture.databaseUrl,
        `SELECT DISTINCT subject, type FROM mcp_hub.telemetry_events WHERE subject = ANY($1) AND type IN ('ml.job.queued', 'ml.job.started', 'ml.job.succeeded')`,
        [jobs.map((j) => j.id)],
      );
      if (rows.length === 3 * jobs.length) break;
      await sleep(100);
    }
    const types = await queryDatabase<{ type: string; n: string }>(fixture.databaseUrl, `SELECT type, count(*) AS n FROM mcp_hub.telemetry_events WHERE subject = $1 GROUP BY type`, [jobs[1].id]);
    const byType = Object.fromEntries(types.map((r) => [r.type, Number(r.n)]));
    expect(byType).toMatchObject({ 'ml.job.queued': 1, 'ml.job.started': 1, 'ml.job.succeeded': 1 });
    expect(byType['ml.job.metric']).toBeGreaterThanOrEqual(100);
    expect(byType['ml.job.progress']).toBeGreaterThanOrEqual(1);
  });

  it('reports RMSE, MAE and R² on an uploaded regression set, with k-fold validation', async () => {
    const form = new FormData();
    form.append('file', new Blob([await readFile('data/diabetes.csv')]), 'diabetes.csv');
    const upload = await fetch(fixture.hub.url('/api/ml/datasets'), { method: 'POST', body: form });
    const dataset = (await upload.json()) as { uri: string };
    expect(upload.status).toBe(201);
    expect(dataset).toMatchObject({ name: 'diabetes', rowCount: 442, format: 'csv' });
    try {
      const submitted = await submitJob(fixture.api, { adapter: 'sklearn', algorithm: 'ridge', dataset: 'diabetes', target: 'progression', validation: { folds: 5 } });
      expect(submitted.task).toBe('regression');
      const job = await waitForJob(fixture.api, submitted.id);
      expect(job.status).toBe('succeeded');
      expect(job.metrics.r2).toBeGreaterThan(0.3);
      expect(job.metrics.rmse).toBeGreaterThan(job.metrics.mae);
      const node = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm: 'linear_regression', dataset: 'diabetes', target: 'progression' })).id);
      expect(node.status).toBe('succeeded');
      expect(node.metrics.r2).toBeGreaterThan(0.3);
    } finally {
      await rm(dataset.uri.replace('local://', ''), { force: true });
    }
  });

  it('trains every algorithm of every adapter on its tasks, from CSV and from JSON Lines', async () => {
    const iris = (await readFile('data/sample.csv', 'utf8')).trim().split('\n');
    const header = iris[0].split(',');
    const jsonl = iris
      .slice(1)
      .map((line) => JSON.stringify(Object.fromEntries(line.split(',').map((v, i) => [header[i], i < 4 ? Number(v) : v]))))
      .join('\n');
    const form = new FormData();
    form.append('file', new Blob([jsonl]), 'iris.jsonl');
    form.append('name', 'iris-jsonl');
    const uploaded = (await (await fetch(fixture.hub.url('/api/ml/datasets'), { method: 'POST', body: form })).json()) as { name: string; format: string; rowCount: number; uri: string };
    expect(uploaded).toMatchObject({ name: 'iris-jsonl', format: 'jsonl', rowCount: 150 });
    try {
      await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/diabetes.csv', name: 'diabetes-all' });
      const quick: Record<string, Record<string, unknown>> = { mlp: { epochs: 40 }, random_forest: { n_estimators: 30 }, gradient_boosting: { n_estimators: 30 } };
      const submitted: { adapter: string; algorithm: string; task: string; id: string }[] = [];
      for (const adapter of ['sklearn', 'torch', 'node'] as const) {
        const { body } = await fixture.api.get('/api/ml/adapters');
        const algorithms = (body as { name: string; algorithms: Record<string, { tasks: string[] }> }[]).find((a) => a.name === adapter)!.algorithms;
        for (const [algorithm, info] of Object.entries(algorithms)) {
          for (const task of info.tasks) {
            const dataset = task === 'regression' ? 'diabetes-all' : adapter === 'sklearn' ? 'iris' : 'iris-jsonl';
            const target = task === 'classification' ? 'species' : 'progression';
            const job = await submitJob(fixture.api, { adapter, algorithm, dataset, target, task, hyperparameters: quick[algorithm] ?? {} });
            submitted.push({ adapter, algorithm, task, id: job.id });
          }
        }
      }
      expect(submitted).toHaveLength(21);
      for (const s of submitted) {
        const job = await waitForJob(fixture.api, s.id);
        expect({ ...s, status: job.status, error: job.error }).toEqual({ ...s, status: 'succeeded', error: null });
        if (s.task === 'classification') expect(job.metrics.accuracy).toBeGreaterThan(0.6);
        else expect(Object.keys(job.metrics).sort()).toEqual(['mae', 'r2', 'rmse']);
      }
    } finally {
      await rm(uploaded.uri.replace('local://', ''), { force: true });
    }
    // 21 trainings, the torch ones included, on two cores shared with the other suites
  }, 180_000);

  it('answers bad input with 400 naming the field, and queues nothing', async () => {
    const before = await jobCount(fixture);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ adapter: 'keras', algorithm: 'mlp', dataset: 'iris', target: 'species' }, 'adapter', 'must be one of'],
      [{ adapter: 'sklearn', algorithm: 'xgboost', dataset: 'iris', target: 'species' }, 'algorithm', 'random_forest'],
      [{ adapter: 'sklearn', algorithm: 'svm', dataset: 'iris', target: 'colour' }, 'target', 'not a column'],
      [{ adapter: 'sklearn', algorithm: 'random_forest', dataset: 'iris', target: 'species', hyperparameters: { n_estimators: 'many' } }, 'hyperparameters.n_estimators', 'must be integer'],
      [{ adapter: 'sklearn', algorithm: 'random_forest', dataset: 'iris', target: 'species', hyperparameters: { trees: 5 } }, 'hyperparameters.trees', 'additional properties'],
      [{ adapter: 'torch', algorithm: 'mlp', dataset: 'iris', target: 'species', hyperparameters: { epochs: 1.5 } }, 'hyperparameters.epochs', 'must be integer'],
      [{ adapter: 'node', algorithm: 'linear_regression', dataset: 'iris', target: 'species' }, 'task', 'supports regression'],
      [{ adapter: 'sklearn', algorithm: 'ridge', dataset: 'iris', target: 'species', task: 'regression' }, 'target', 'numeric target'],
      [{ adapter: 'sklearn', algorithm: 'knn', dataset: 'iris', target: 'species', features: ['petal_length', 'stem'] }, 'features', 'stem'],
      [{ adapter: 'sklearn', algorithm: 'knn', dataset: 'nothing', target: 'species' }, 'dataset', 'no dataset'],
      [{ adapter: 'sklearn', algorithm: 'knn', dataset: 'iris', target: 'species', validation: { holdout: 0.2, folds: 3 } }, 'validation', 'not both'],
    ];
    for (const [body, field, reason] of cases) {
      const { status, body: error } = await fixture.api.send('POST', '/api/ml/training-jobs', body);
      expect({ status, code: error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      const problem = (error.details as { field: string; reason: string }[]).find((p) => p.field === field);
      expect(problem?.reason).toEqual(expect.stringContaining(reason));
    }
    const outside = await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/../package.json' });
    expect(outside.status).toBe(400);
    expect(outside.body.details[0]).toMatchObject({ field: 'uri', reason: expect.stringContaining('outside DATA_DIR') });
    expect((await fixture.api.send('POST', '/api/ml/datasets', { uri: 's3://bucket/x.csv' })).status).toBe(503);
    expect(await jobCount(fixture)).toBe(before);
  });

  it('fails bad data once, without retrying: a changed dataset and impossible hyperparameters', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x,y\n' + Array.from({ length: 20 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`).join('\n')]), 'changing.csv');
    const dataset = (await (await fetch(fixture.hub.url('/api/ml/datasets'), { method: 'POST', body: form })).json()) as { id: string; uri: string };
    const path = dataset.uri.replace('local://', '');
    try {
      await writeFile(path, 'x,y\n1,a\n');
      const changed = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm: 'knn', dataset: dataset.id, target: 'y' })).id);
      expect(changed).toMatchObject({ status: 'failed', errorKind: 'data', attempts: 1, error: expect.stringContaining('no longer matches') });
    } finally {
      await rm(path, { force: true });
    }
    const knn = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'sklearn', algorithm: 'knn', dataset: 'iris', target: 'species', hyperparameters: { n_neighbors: 500 } })).id);
    expect(knn).toMatchObject({ status: 'failed', errorKind: 'data', attempts: 1, error: expect.stringContaining('n_neighbors') });
  });

  it('cancels a running job (its adapter process is killed) and a queued one', async () => {
    const long = { adapter: 'torch', algorithm: 'mlp', dataset: 'iris', target: 'species', hyperparameters: { epochs: 10000 } };
    const running = await submitJob(fixture.api, long);
    const second = await submitJob(fixture.api, long);
    const queued = await submitJob(fixture.api, long);
    await waitForJob(fixture.api, running.id, (j) => j.status === 'running' && j.progress > 0.05);
    await waitForJob(fixture.api, second.id, (j) => j.status === 'running');
    expect((await fixture.api.get(`/api/ml/training-jobs/${queued.id}`)).body.status).toBe('queued');
    expect(childPids(fixture.hub.pid, 'mcp_hub_adapter')).toHaveLength(2);

    const cancelledQueued = await fixture.api.send('POST', `/api/ml/training-jobs/${queued.id}/cancel`);
    expect(cancelledQueued.body).toMatchObject({ status: 'cancelled', error: 'cancelled before it started' });
    const runs = (await fixture.api.get('/api/ml/experiments/Default/runs?limit=1000')).body as { trainingJobId: string; status: string }[];
    expect(runs.find((r) => r.trainingJobId === queued.id)?.status).toBe('killed');
    for (const job of [running, second]) {
      const cancelled = await fixture.api.send('POST', `/api/ml/training-jobs/${job.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', errorKind: 'cancelled' });
    }
    for (let i = 0; i < 50 && childPids(fixture.hub.pid, 'mcp_hub_adapter').length; i++) await sleep(100);
    expect(childPids(fixture.hub.pid, 'mcp_hub_adapter')).toEqual([]);
    const again = await fixture.api.send('POST', `/api/ml/training-jobs/${running.id}/cancel`);
    expect(again).toMatchObject({ status: 409, body: { code: 'JOB_FINISHED' } });
    expect((await fixture.api.send('POST', '/api/ml/training-jobs/01a213e1-47be-745f-8c86-12edc9d84e5a/cancel')).status).toBe(404);
  });

  it('fails a job that runs past its time limit, without retrying', async () => {
    const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'torch', algorithm: 'mlp', dataset: 'iris', target: 'species', hyperparameters: { epochs: 10000 }, timeoutMs: 3000 })).id);
    expect(job).toMatchObject({ status: 'failed', errorKind: 'timeout', attempts: 1, error: expect.stringContaining('timed out after 3000 ms') });
    expect(childPids(fixture.hub.pid, 'mcp_hub_adapter')).toEqual([]);
  });

  it('offers datasets and training to MCP clients as ml__ tools', async () => {
    const client = new Client({ name: 'ml-tools-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['ml__list_datasets', 'ml__train', 'ml__job_status', 'ml__list_jobs', 'ml__cancel_job']));
      const datasets = (await client.callTool({ name: 'ml__list_datasets', arguments: {} })).structuredContent as { datasets: { name: string }[] };
      expect(datasets.datasets.map((d) => d.name)).toContain('iris');
      const queued = (await client.callTool({ name: 'ml__train', arguments: { adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'species' } })).structuredContent as { id: string; status: string };
      expect(queued.status).toBe('queued');
      await waitForJob(fixture.api, queued.id);
      const status = (await client.callTool({ name: 'ml__job_status', arguments: { id: queued.id } })).structuredContent as { status: string; metrics: { accuracy: number }; lastLogs: string[] };
      expect(status.status).toBe('succeeded');
      expect(status.metrics.accuracy).toBeGreaterThan(0.8);
      expect(status.lastLogs.join('\n')).toContain('model stored at');
      const listed = (await client.callTool({ name: 'ml__list_jobs', arguments: { status: 'succeeded', limit: 500 } })).structuredContent as { jobs: { id: string }[] };
      expect(listed.jobs.map((j) => j.id)).toContain(queued.id);
      const bad = await client.callTool({ name: 'ml__train', arguments: { adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'colour' } });
      expect(bad.isError).toBe(true);
      expect((bad.structuredContent as { error: string; message: string }).message).toContain('"colour" is not a column');
      const done = await client.callTool({ name: 'ml__cancel_job', arguments: { id: queued.id } });
      expect(done.isError).toBe(true);
      expect((done.structuredContent as { error: string }).error).toBe('JOB_FINISHED');
    } finally {
      await client.close();
    }
  });

  it('lists the adapters with their runtime status and algorithms', async () => {
    const { body } = await fixture.api.get('/api/ml/adapters');
    const byName = Object.fromEntries((body as { name: string; status: { available: boolean; versions: Record<string, string> }; algorithms: object }[]).map((a) => [a.name, a]));
    expect(byName.sklearn.status).toMatchObject({ available: true, versions: { sklearn: expect.any(String) } });
    expect(byName.torch.status).toMatchObject({ available: true, versions: { torch: expect.any(String) } });
    expect(Object.keys(byName.node.algorithms)).toEqual(['random_forest', 'logistic_regression', 'cart', 'knn', 'naive_bayes', 'linear_regression']);
  });
});

describe('training: adapter runtimes that are missing or failing', () => {
  let scripts: string;

  beforeAll(async () => {
    scripts = await mkdtemp(join(tmpdir(), 'python-bins-'));
    // A Python without site-packages: the adapter package loads, numpy, pandas and sklearn do not.
    await writeFile(join(scripts, 'bare-python'), `#!/bin/sh\nexec ${PYTHON_BIN} -S "$@"\n`);
    // The first training run crashes (exit 1, as a lost machine would), later ones run.
    await writeFile(join(scripts, 'flaky-python'), `#!/bin/sh\nif [ "$1" = "-m" ] && [ "$3" != "--check" ] && [ ! -e "${scripts}/crashed" ]; then touch "${scripts}/crashed"; echo "segfault in worker" >&2; exit 1; fi\nexec ${PYTHON_BIN} "$@"\n`);
    await chmod(join(scripts, 'bare-python'), 0o755);
    await chmod(join(scripts, 'flaky-python'), 0o755);
  });

  afterAll(() => rm(scripts, { recursive: true, force: true }));

  it('answers 503 naming what is missing and how to install it', async () => {
    for (const [bin, missing, hint, tried] of [
      ['/nonexistent/python3', 'python3', 'PYTHON_BIN', '/nonexistent/python3 (not found)'],
      [join(scripts, 'bare-python'), 'sklearn', 'apt-get install python3-numpy python3-pandas python3-sklearn', `${join(scripts, 'bare-python')} (missing numpy, pandas, sklearn)`],
    ]) {
      const fixture = await HubFixture.start('training-missing', { mcpServers: {} }, { env: { PYTHON_BIN: bin } });
      try {
        await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
        const before = await jobCount(fixture);
        const { status, body } = await fixture.api.send('POST', '/api/ml/training-jobs', { adapter: 'sklearn', algorithm: 'knn', dataset: 'iris', target: 'species' });
        expect({ status, code: body.code }).toEqual({ status: 503, code: 'ADAPTER_UNAVAILABLE' });
        expect(body.details.missing).toContain(missing);
        expect(body.message).toContain(hint);
        expect(body.details.tried).toEqual([tried]);
        expect(await jobCount(fixture)).toBe(before);
        const node = await submitJob(fixture.api, { adapter: 'node', algorithm: 'knn', dataset: 'iris', target: 'species' });
        expect((await waitForJob(fixture.api, node.id)).status).toBe('succeeded');
      } finally {
        await fixture.stop();
      }
    }
  });

  it('with PYTHON_BIN unset, passes over a python3 on PATH without the modules, trains with /usr/bin/python3 and names both', async () => {
    const path = join(scripts, 'path');
    await mkdir(path, { recursive: true });
    await writeFile(join(path, 'python3'), '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
    await chmod(join(path, 'python3'), 0o755);
    const fixture = await HubFixture.start('training-probe', { mcpServers: {} }, { env: { PATH: `${path}:${process.env.PATH}` } });
    try {
      const adapters = (await fixture.api.send('GET', '/api/ml/adapters')).body as Json[];
      const sklearn = adapters.find((adapter) => adapter.name === 'sklearn')!;
      expect(sklearn.status).toMatchObject({ available: true, interpreter: '/usr/bin/python3' });
      expect(sklearn.status.tried).toEqual(['python3 (missing numpy, pandas, sklearn)', expect.stringMatching(/^\/usr\/bin\/python3 \(Python 3\.\d+/)]);
      await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
      const job = await submitJob(fixture.api, { adapter: 'sklearn', algorithm: 'knn', dataset: 'iris', target: 'species' });
      expect((await waitForJob(fixture.api, job.id)).status).toBe('succeeded');
    } finally {
      await fixture.stop();
    }
  });

  it('retries an infrastructure failure with backoff and succeeds on the next attempt', async () => {
    const fixture = await HubFixture.start('training-retry', { mcpServers: {} }, { env: { PYTHON_BIN: join(scripts, 'flaky-python'), TRAINING_BACKOFF_MS: '200' } });
    try {
      await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
      const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'sklearn', algorithm: 'logistic_regression', dataset: 'iris', target: 'species' })).id);
      expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
      const logs = ((await fixture.api.get(`/api/ml/training-jobs/${job.id}/logs`)).body as { message: string }[]).map((l) => l.message).join('\n');
      expect(logs).toContain('exited with code 1: segfault in worker; will retry');
      expect(logs).toContain('attempt 2 on');
    } finally {
      await fixture.stop();
    }
  });
});
