import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { NodeProcess, sleep } from '../support/hub-process';
import { assertPythonStack, IRIS_FEATURES, PYTHON_BIN, submitJob, waitForJob } from '../support/ml';
import { queryDatabase } from '../support/test-database';

describe('experiments and the model registry', () => {
  let fixture: HubFixture;
  let artifactsDir: string;
  const trained: string[] = [];

  const train = async (body: Record<string, unknown>) => {
    const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { dataset: 'iris', target: 'species', experiment: 'iris-exp', ...body })).id);
    trained.push(job.id);
    return job;
  };
  const cli = async (...args: string[]) => {
    const run = new NodeProcess('dist/src/cli/main.js', { HUB_URL: fixture.hub.url('') }, args);
    const { code } = await run.exited;
    return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') };
  };
  const stage = (name: string, version: number, body: Record<string, unknown>) => fixture.api.send('POST', `/api/ml/models/${name}/versions/${version}/stage`, body);
  const register = (name: string, jobId: string) => fixture.api.send('POST', `/api/ml/models/${name}/versions`, { jobId });

  beforeAll(async () => {
    assertPythonStack();
    artifactsDir = await mkdtemp(join(tmpdir(), 'registry-artifacts-'));
    fixture = await HubFixture.start('ml-registry', { mcpServers: {} }, { env: { PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, TRAINING_CONCURRENCY: '2' } });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    for (const [algorithm, seed] of [['cart', 1], ['knn', 2], ['naive_bayes', 3], ['random_forest', 4]] as const) await train({ adapter: 'node', algorithm, seed });
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  describe('runs', () => {
    it('every training job fills its run: params, latest metrics, dataset hash, status, model artifact', async () => {
      const failed = await train({ adapter: 'sklearn', algorithm: 'knn', hyperparameters: { n_neighbors: 500 } });
      expect(failed.status).toBe('failed');
      const runs = (await fixture.api.get('/api/ml/experiments/iris-exp/runs')).body as { trainingJobId: string; status: string; params: Record<string, string>; metrics: Record<string, number>; datasetSha256: string; artifacts: { uri: string }[] }[];
      expect(runs).toHaveLength(5);
      const byJob = new Map(runs.map((r) => [r.trainingJobId, r]));
      const first = byJob.get(trained[0])!;
      expect(first).toMatchObject({ status: 'finished', params: { adapter: 'node', algorithm: 'cart', seed: '1', target: 'species', validation: '{"holdout":0.2}' } });
      expect(first.metrics.accuracy).toBeGreaterThan(0.8);
      expect(first.datasetSha256).toBe((await fixture.api.get('/api/ml/datasets/iris')).body.sha256);
      expect(first.artifacts[0].uri).toContain(`training/${trained[0]}/model.json`);
      expect(byJob.get(failed.id)).toMatchObject({ status: 'failed', params: { n_neighbors: '500' }, metrics: {} });
    });

    it('searches runs by params and metrics, ordered by a metric, and compares them side by side', async () => {
      const ordered = (await fixture.api.get(`/api/ml/experiments/iris-exp/runs?orderBy=${encodeURIComponent('metrics.accuracy desc')}&filter=${encodeURIComponent('params.adapter = node')}`)).body as { metrics: { accuracy: number } }[];
      expect(ordered).toHaveLength(4);
      const accuracies = ordered.map((r) => r.metrics.accuracy);
      expect([...accuracies].sort((a, b) => b - a)).toEqual(accuracies);
      const good = (await fixture.api.get(`/api/ml/experiments/iris-exp/runs?filter=${encodeURIComponent(`metrics.accuracy >= ${accuracies[1]} and params.seed != 99`)}`)).body as { metrics: { accuracy: number } }[];
      expect(good.length).toBe(accuracies.filter((a) => a >= accuracies[1]).length);
      expect(good.every((r) => r.metrics.accuracy >= accuracies[1])).toBe(true);
      const knn = (await fixture.api.get(`/api/ml/experiments/iris-exp/runs?filter=${encodeURIComponent('params.algorithm = knn and params.seed >= 2')}`)).body as { params: { adapter: string; seed: string } }[];
      expect(knn.map((r) => `${r.params.adapter}/${r.params.seed}`).sort()).toEqual(['node/2', 'sklearn/42']);
      const nodeKnn = (await fixture.api.get(`/api/ml/experiments/iris-exp/runs?filter=${encodeURIComponent('params.algorithm = knn and params.adapter != sklearn')}`)).body as unknown[];
      expect(nodeKnn).toHaveLength(1);
      const bad = await fixture.api.get(`/api/ml/experiments/iris-exp/runs?filter=${encodeURIComponent('accuracy > 1')}`);
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('filter');

      const ids = (ordered as unknown as { id: string }[]).slice(0, 2).map((r) => r.id);
      const compared = (await fixture.api.get(`/api/ml/runs/compare?ids=${ids.join(',')}`)).body;
      expect(Object.keys(compared.params)).toEqual(expect.arrayContaining(['adapter', 'algorithm', 'seed', 'features']));
      expect(compared.metrics.accuracy[ids[0]]).toBe(accuracies[0]);
      expect(compared.metrics.accuracy[ids[1]]).toBe(accuracies[1]);
      expect((await fixture.api.get(`/api/ml/runs/compare?ids=${ids[0]}`)).status).toBe(400);
    });

    it('params are write-once; metrics are series with history and a latest value', async () => {
      await fixture.api.send('POST', '/api/ml/experiments', { name: 'manual', description: 'runs logged by hand' });
      expect((await fixture.api.send('POST', '/api/ml/experiments', { name: 'manual' })).status).toBe(409);
      const run = (await fixture.api.send('POST', '/api/ml/experiments/manual/runs', { name: 'r1', params: { lr: 0.1 } })).body;
      expect((await fixture.api.send('POST', `/api/ml/runs/${run.id}/params`, { params: { lr: 0.1, batch: 32 } })).status).toBe(200);
      const clash = await fixture.api.send('POST', `/api/ml/runs/${run.id}/params`, { params: { lr: 0.2 } });
      expect(clash).toMatchObject({ status: 409, body: { code: 'PARAM_ALREADY_SET', details: { params: { lr: '0.1' } } } });
      await fixture.api.send('POST', `/api/ml/runs/${run.id}/metrics`, { metrics: [{ key: 'loss', value: 0.9 }, { key: 'loss', value: 0.5 }, { key: 'loss', value: 0.2 }] });
      const history = (await fixture.api.get(`/api/ml/runs/${run.id}/metrics/loss`)).body as { step: number; value: number }[];
      expect(history.map((p) => [p.step, p.value])).toEqual([[0, 0.9], [1, 0.5], [2, 0.2]]);
      expect((await fixture.api.get(`/api/ml/runs/${run.id}`)).body).toMatchObject({ params: { lr: '0.1', batch: '32' }, metrics: { loss: 0.2 } });
      expect((await fixture.api.send('POST', `/api/ml/runs/${run.id}/metrics`, { metrics: [{ key: 'loss', value: 'low' }] })).status).toBe(400);
      expect((await fixture.api.get('/api/ml/runs/01a213e1-47be-745f-8c86-12edc9d84e5a')).status).toBe(404);
    });

    it("a torch job's run holds one loss value per epoch", async () => {
      const job = await train({ adapter: 'torch', algorithm: 'mlp', hyperparameters: { epochs: 30 } });
      expect(job.status).toBe('succeeded');
      const runs = (await fixture.api.get(`/api/ml/experiments/iris-exp/runs?filter=${encodeURIComponent('params.adapter = torch')}`)).body as { id: string }[];
      const loss = (await fixture.api.get(`/api/ml/runs/${runs[0].id}/metrics/loss`)).body as { step: number; value: number }[];
      expect(loss.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(loss[29].value).toBeLessThan(loss[0].value);
    });
  });

  describe('registered models', () => {
    it('registers succeeded jobs as numbered versions with a signature from the dataset, and refuses the rest', async () => {
      const v1 = await register('iris-clf', trained[0]);
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({ version: 1, stage: 'None', trainingJobId: trained[0], signature: { output: { name: 'species', type: 'string', task: 'classification', classes: ['setosa', 'versicolor', 'virginica'] } } });
      expect(v1.body.signature.inputs).toEqual(IRIS_FEATURES.map((name) => ({ name, type: 'number' })));
      expect(v1.body.runId).toEqual(expect.any(String));
      const download = await fetch(fixture.hub.url('/api/ml/models/iris-clf/versions/1/artifact'));
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(download.headers.get('x-artifact-sha256')).toBe(v1.body.artifactSha256);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(v1.body.artifactSha256);
      expect(JSON.parse(bytes.toString()).format).toBe('mcp-hub/node-mljs');
      expect((await register('iris-clf', trained[1])).body.version).toBe(2);
      expect((await register('iris-clf', trained[0])).body.code).toBe('JOB_ALREADY_REGISTERED');
      const failedJob = (await fixture.api.get('/api/ml/training-jobs?status=failed')).body[0].id;
      expect(await register('iris-clf', failedJob)).toMatchObject({ status: 409, body: { code: 'JOB_NOT_SUCCEEDED' } });
      expect((await register('iris-clf', '01a213e1-47be-745f-8c86-12edc9d84e5a')).status).toBe(404);
      expect((await fixture.api.get('/api/ml/models/nope')).status).toBe(404);
      expect((await fixture.api.get('/api/ml/models/iris-clf/versions/9')).status).toBe(404);
      expect((await stage('iris-clf', 9, { stage: 'Staging' })).status).toBe(404);
    });

    it('moves versions through stages: Production archives the previous one, bad transitions are 409s, rollback promotes an earlier version', async () => {
      expect((await stage('iris-clf', 1, { stage: 'staging' })).body.stage).toBe('Staging');
      expect((await stage('iris-clf', 1, { stage: 'Production', reason: 'first release' })).body.stage).toBe('Production');
      expect((await stage('iris-clf', 2, { stage: 'Production', archiveExisting: false })).body).toMatchObject({ code: 'PRODUCTION_OCCUPIED' });
      expect((await stage('iris-clf', 2, { stage: 'Production', reason: 'better' })).body.stage).toBe('Production');
      let model = (await fixture.api.get('/api/ml/models/iris-clf')).body;
      expect(model.versions.map((v: { version: number; stage: string }) => `${v.version}:${v.stage}`)).toEqual(['2:Production', '1:Archived']);
      expect(await stage('iris-clf', 2, { stage: 'Production' })).toMatchObject({ status: 409, body: { code: 'INVALID_STAGE_TRANSITION', message: expect.stringContaining('already in Production') } });
      expect(await stage('iris-clf', 2, { stage: 'None' })).toMatchObject({ status: 409, body: { message: expect.stringContaining('Production → None is not a valid transition') } });
      expect((await stage('iris-clf', 2, { stage: 'Retired' })).status).toBe(400);

      expect((await stage('iris-clf', 1, { stage: 'Production', reason: 'rollback' })).body.stage).toBe('Production');
      model = (await fixture.api.get('/api/ml/models/iris-clf')).body;
      expect(model.versions.map((v: { version: number; stage: string }) => `${v.version}:${v.stage}`)).toEqual(['2:Archived', '1:Production']);
      expect((await fixture.api.get('/api/ml/models/iris-clf/versions/production')).body.version).toBe(1);
      expect((await fixture.api.get('/api/ml/models/iris-clf/versions/latest')).body.version).toBe(2);
    });

    it('two promotions sent at the same moment leave exactly one Production version, and both are in the history', async () => {
      const a = (await register('race', trained[2])).body.version;
      const b = (await register('race', trained[3])).body.version;
      const results = await Promise.all([stage('race', a, { stage: 'Production', reason: 'from A' }), stage('race', b, { stage: 'Production', reason: 'from B' })]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      const model = (await fixture.api.get('/api/ml/models/race')).body;
      expect(model.versions.filter((v: { stage: string }) => v.stage === 'Production')).toHaveLength(1);
      const [{ n }] = await queryDatabase<{ n: string }>(fixture.databaseUrl, `SELECT count(*) AS n FROM mcp_hub.model_versions v JOIN mcp_hub.registered_models m ON m.id = v.model_id WHERE m.name = 'race' AND v.stage = 'Production'`);
      expect(Number(n)).toBe(1);
      const history = (await fixture.api.get('/api/ml/models/race/history')).body as { version: number; action: string; fromValue: string; toValue: string; reason: string }[];
      const promotions = history.filter((h) => h.action === 'stage_transition' && h.toValue === 'Production');
      expect(promotions.map((h) => h.reason).sort()).toEqual(['from A', 'from B']);
      const winner = model.versions.find((v: { stage: string }) => v.stage === 'Production').version;
      const loser = winner === a ? b : a;
      expect(history).toContainEqual(expect.objectContaining({ version: loser, action: 'stage_transition', fromValue: 'Production', toValue: 'Archived', reason: `replaced by version ${winner}` }));
    });

    it('aliases move between versions with an audit entry; reserved names and archived versions are refused', async () => {
      expect((await fixture.api.send('PUT', '/api/ml/models/iris-clf/aliases/champion', { version: 1 })).body).toEqual({ champion: 1 });
      await fixture.api.send('POST', `/api/ml/models/iris-clf/versions/2/stage`, { stage: 'Staging' });
      expect((await fixture.api.send('PUT', '/api/ml/models/iris-clf/aliases/champion', { version: 2, reason: 'A/B winner' })).body).toEqual({ champion: 2 });
      expect((await fixture.api.get('/api/ml/models/iris-clf/versions/champion')).body.version).toBe(2);
      expect(await fixture.api.send('PUT', '/api/ml/models/iris-clf/aliases/production', { version: 1 })).toMatchObject({ status: 409, body: { code: 'ALIAS_CLASH' } });
      expect(await fixture.api.send('PUT', '/api/ml/models/iris-clf/aliases/7up', { version: 1 })).toMatchObject({ status: 400 });
      expect((await fixture.api.send('PUT', '/api/ml/models/iris-clf/aliases/champion', { version: 42 })).status).toBe(404);
      await fixture.api.send('POST', `/api/ml/models/iris-clf/versions/2/stage`, { stage: 'Archived' });
      expect(await fixture.api.send('PUT', '/api/ml/models/iris-clf/aliases/challenger', { version: 2 })).toMatchObject({ status: 409, body: { code: 'ALIAS_CLASH', message: expect.stringContaining('Archived') } });
      expect((await fixture.api.send('DELETE', '/api/ml/models/iris-clf/aliases/champion')).status).toBe(204);
      expect((await fixture.api.send('DELETE', '/api/ml/models/iris-clf/aliases/champion')).status).toBe(404);

      const history = (await fixture.api.get('/api/ml/models/iris-clf/history')).body as { action: string; fromValue: string | null; toValue: string | null; actor: string; time: string }[];
      expect(history.filter((h) => h.action.startsWith('alias')).map((h) => [h.action, h.fromValue, h.toValue])).toEqual([
        ['alias_set', null, 'champion@1'],
        ['alias_set', 'champion@1', 'champion@2'],
        ['alias_removed', 'champion@2', null],
      ]);
      expect(history.every((h) => h.actor === 'anonymous' && !Number.isNaN(Date.parse(h.time)))).toBe(true);
    });

    it('offers the registry to MCP clients', async () => {
      const client = new Client({ name: 'registry-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
      try {
        const list = (await client.callTool({ name: 'ml__list_models', arguments: {} })).structuredContent as { models: { name: string; production: number | null }[] };
        expect(list.models).toContainEqual(expect.objectContaining({ name: 'iris-clf', production: 1 }));
        const model = (await client.callTool({ name: 'ml__get_model', arguments: { name: 'iris-clf' } })).structuredContent as { versions: unknown[] };
        expect(model.versions).toHaveLength(2);
        const promoted = await client.callTool({ name: 'ml__promote_model', arguments: { name: 'iris-clf', version: 2, stage: 'Production', reason: 'via MCP' } });
        expect(promoted.structuredContent).toEqual({ name: 'iris-clf', version: 2, stage: 'Production' });
        const again = await client.callTool({ name: 'ml__promote_model', arguments: { name: 'iris-clf', version: 2, stage: 'Production' } });
        expect(again.isError).toBe(true);
        const history = (await fixture.api.get('/api/ml/models/iris-clf/history')).body as { reason: string; actor: string }[];
        // without API keys there is no key to name, as on REST
        expect(history.at(-1)).toMatchObject({ reason: 'via MCP', actor: 'anonymous' });
        const runs = (await fixture.api.get('/api/ml/experiments/iris-exp/runs')).body as { id: string }[];
        const compared = (await client.callTool({ name: 'ml__compare_runs', arguments: { ids: [runs[0].id, runs[1].id] } })).structuredContent as { metrics: object };
        expect(Object.keys(compared.metrics)).toContain('accuracy');
      } finally {
        await client.close();
      }
    });
  });

  it('CLI: train → register → promote → rollback → history shows all of it', async () => {
    const first = await cli('train', 'submit', '--adapter', 'node', '--algorithm', 'knn', '--dataset', 'iris', '--target', 'species', '--register-as', 'cli-model', '--experiment', 'cli', '--wait', '--json');
    expect(first.code).toBe(0);
    const firstJob = JSON.parse(first.stdout);
    const second = JSON.parse((await cli('train', 'submit', '--adapter', 'node', '--algorithm', 'cart', '--dataset', 'iris', '--target', 'species', '--experiment', 'cli', '--wait', '--json')).stdout);
    expect((await cli('models', 'register', 'cli-model', '--job', second.id)).stdout).toContain('registered cli-model version 2');
    expect((await cli('models', 'promote', 'cli-model', '1', '--stage', 'production', '--reason', 'first')).stdout).toContain('cli-model version 1 is now in Production');
    expect((await cli('models', 'promote', 'cli-model', '2', '--stage', 'production', '--reason', 'second')).stdout).toContain('version 2 is now in Production');
    expect((await cli('models', 'promote', 'cli-model', '1', '--stage', 'production', '--reason', 'rollback')).stdout).toContain('version 1 is now in Production');
    expect((await cli('models', 'alias', 'cli-model', 'champion', '1')).stdout).toContain('champion → 1');
    const shown = (await cli('models', 'show', 'cli-model')).stdout;
    expect(shown).toMatch(/1\s*│ Production\s*│ champion/);
    expect(shown).toMatch(/2\s*│ Archived/);
    expect((await cli('models', 'list')).stdout).toMatch(/cli-model\s*│ 2\s*│ 1\s*│ champion→1/);
    const history = JSON.parse((await cli('models', 'history', 'cli-model', '--json')).stdout) as { version: number; action: string; fromValue: string; toValue: string; reason: string; actor: string }[];
    expect(history.map((h) => `${h.action} v${h.version} ${h.fromValue ?? '-'}→${h.toValue ?? '-'}${h.reason ? ` (${h.reason})` : ''}`)).toEqual([
      `version_created v1 -→None (from training job ${firstJob.id})`,
      `version_created v2 -→None (from training job ${second.id})`,
      'stage_transition v1 None→Production (first)',
      'stage_transition v1 Production→Archived (replaced by version 2)',
      'stage_transition v2 None→Production (second)',
      'stage_transition v2 Production→Archived (replaced by version 1)',
      'stage_transition v1 Archived→Production (rollback)',
      'alias_set v1 -→champion@1',
    ]);
    expect(history[0].actor).toBe(`training-job:${firstJob.id}`);
    expect((await cli('models', 'history', 'cli-model')).stdout).toContain('rollback');
    expect((await cli('experiments', 'list')).stdout).toContain('cli');
    const runs = JSON.parse((await cli('experiments', 'runs', 'cli', '--order-by', 'metrics.accuracy desc', '--json')).stdout) as { id: string }[];
    expect(runs).toHaveLength(2);
    const compared = (await cli('runs', 'compare', runs[0].id, runs[1].id)).stdout;
    expect(compared).toMatch(/metric accuracy/);
    expect(compared).toMatch(/param algorithm\s*│ (knn|cart)\s*│ (knn|cart)/);
    const missing = await cli('models', 'promote', 'nope', '1', '--stage', 'staging');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('404 MODEL_NOT_FOUND');
  });
});

describe('registry webhooks', () => {
  it('POSTs every registry change with an HMAC-SHA256 signature of the body', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(received.length === 1 ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const fixture = await HubFixture.start('ml-webhooks', { mcpServers: {} }, { env: { PYTHON_BIN, MODEL_WEBHOOK_URLS: url, MODEL_WEBHOOK_SECRET: 's3cret' } });
    try {
      await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
      const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'species', registerAs: 'hooked' })).id);
      expect(job.status).toBe('succeeded');
      for (let i = 0; i < 100 && !(await fixture.api.get('/api/ml/models/hooked')).body.versions?.length; i++) await sleep(50);
      await fixture.api.send('POST', '/api/ml/models/hooked/versions/1/stage', { stage: 'Production', reason: 'ship it' });
      for (let i = 0; i < 100 && received.length < 3; i++) await sleep(50);
      // the first delivery got a 500 and was retried
      const delivered = received
        .slice(1)
        .map((r) => ({ ...r, json: JSON.parse(r.body) }))
        .sort((a, b) => Date.parse(a.json.time) - Date.parse(b.json.time));
      expect(delivered.map((d) => d.json.type)).toEqual(['ml.model.version_created', 'ml.model.stage_changed']);
      expect(delivered[0].body).toBe(received[0].body);
      for (const d of delivered) {
        expect(d.headers['x-mcp-hub-signature-256']).toBe(`sha256=${createHmac('sha256', 's3cret').update(d.body).digest('hex')}`);
        expect(d.headers['x-mcp-hub-event']).toBe(d.json.type);
      }
      expect(delivered[1].json).toMatchObject({ model: 'hooked', data: { model: 'hooked', version: 1, from: 'None', to: 'Production', actor: 'anonymous' } });
    } finally {
      await fixture.stop();
      server.close();
    }
  });
});
