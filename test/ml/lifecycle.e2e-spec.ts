import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { submitJob, waitForJob } from '../support/ml';

describe('ML lifecycle: soft delete and restore of runs, experiments and models', () => {
  let fixture: HubFixture;
  let artifactsDir: string;

  const job = (body: Record<string, unknown> = {}) => ({ adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'species', ...body });
  const train = async (body: Record<string, unknown> = {}) => waitForJob(fixture.api, (await submitJob(fixture.api, job(body))).id);
  const runIds = async (experiment: string, lifecycle?: string) => ((await fixture.api.get(`/api/ml/experiments/${experiment}/runs${lifecycle ? `?lifecycle=${lifecycle}` : ''}`)).body as { id: string }[]).map((r) => r.id).sort();
  const names = async (path: string) => ((await fixture.api.get(path)).body as { name: string }[]).map((e) => e.name);

  beforeAll(async () => {
    artifactsDir = await mkdtemp(join(tmpdir(), 'lifecycle-artifacts-'));
    fixture = await HubFixture.start('ml-lifecycle', { mcpServers: {} }, { env: { ARTIFACTS_DIR: artifactsDir } });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    await fixture.api.send('POST', '/api/ml/experiments', { name: 'life' });
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('finish without a body ends a run FINISHED; a status is read case-insensitively and checked', async () => {
    const a = (await fixture.api.send('POST', '/api/ml/experiments/life/runs', { name: 'a' })).body;
    const finished = await fetch(fixture.hub.url(`/api/ml/runs/${a.id}/finish`), { method: 'POST' });
    expect(finished.status).toBe(204);
    expect((await fixture.api.get(`/api/ml/runs/${a.id}`)).body).toMatchObject({ status: 'finished', endedAt: expect.any(String) });
    const b = (await fixture.api.send('POST', '/api/ml/experiments/life/runs', { name: 'b' })).body;
    expect((await fixture.api.send('POST', `/api/ml/runs/${b.id}/finish`, {})).status).toBe(204);
    expect((await fixture.api.get(`/api/ml/runs/${b.id}`)).body.status).toBe('finished');
    const c = (await fixture.api.send('POST', '/api/ml/experiments/life/runs', { name: 'c' })).body;
    expect((await fixture.api.send('POST', `/api/ml/runs/${c.id}/finish`, { status: 'FAILED' })).status).toBe(204);
    expect((await fixture.api.get(`/api/ml/runs/${c.id}`)).body.status).toBe('failed');
    expect(await fixture.api.send('POST', `/api/ml/runs/${c.id}/finish`, { status: 'done' })).toMatchObject({ status: 400, body: { details: [expect.objectContaining({ field: 'status' })] } });
  });

  it('a deleted run is hidden from searches unless asked for, closed to changes, and restorable', async () => {
    const run = (await fixture.api.send('POST', '/api/ml/experiments/life/runs', { name: 'doomed', params: { lr: 0.1 } })).body;
    const before = await runIds('life');
    expect(before).toContain(run.id);
    expect((await fixture.api.send('DELETE', `/api/ml/runs/${run.id}`)).status).toBe(204);
    expect((await fixture.api.send('DELETE', `/api/ml/runs/${run.id}`)).status).toBe(204);
    expect(await runIds('life')).toEqual(before.filter((id) => id !== run.id));
    expect(await runIds('life', 'deleted')).toEqual([run.id]);
    expect(await runIds('life', 'all')).toEqual(before);
    expect((await fixture.api.get(`/api/ml/runs/${run.id}`)).body).toMatchObject({ id: run.id, deletedAt: expect.any(String) });

    expect(await fixture.api.send('POST', `/api/ml/runs/${run.id}/params`, { params: { batch: 32 } })).toMatchObject({ status: 409, body: { code: 'RUN_DELETED' } });
    expect((await fixture.api.send('PATCH', `/api/ml/runs/${run.id}/tags`, { tags: { k: 'v' } })).body.code).toBe('RUN_DELETED');
    expect((await fixture.api.send('POST', `/api/ml/runs/${run.id}/metrics`, { metrics: [{ key: 'loss', value: 1 }] })).body.code).toBe('RUN_DELETED');
    expect((await fixture.api.send('POST', `/api/ml/runs/${run.id}/finish`, {})).body.code).toBe('RUN_DELETED');

    const restored = await fixture.api.send('POST', `/api/ml/runs/${run.id}/restore`);
    expect(restored).toMatchObject({ status: 200, body: { id: run.id, deletedAt: null, params: { lr: '0.1' } } });
    expect(await runIds('life')).toEqual(before);
    expect((await fixture.api.send('POST', `/api/ml/runs/${run.id}/params`, { params: { batch: 32 } })).status).toBe(200);

    expect((await fixture.api.send('DELETE', '/api/ml/runs/01a213e1-47be-745f-8c86-12edc9d84e5a')).status).toBe(404);
    expect((await fixture.api.send('POST', '/api/ml/runs/01a213e1-47be-745f-8c86-12edc9d84e5a/restore')).status).toBe(404);
    expect((await fixture.api.get('/api/ml/experiments/life/runs?lifecycle=gone')).body.details[0].field).toBe('lifecycle');
  });

  it("a training job whose run is deleted still records into it, and the run comes back whole", async () => {
    const submitted = await submitJob(fixture.api, job({ experiment: 'life', seed: 5 }));
    expect((await fixture.api.send('DELETE', `/api/ml/runs/${submitted.runId}`)).status).toBe(204);
    expect((await waitForJob(fixture.api, submitted.id)).status).toBe('succeeded');
    const run = (await fixture.api.get(`/api/ml/runs/${submitted.runId}`)).body;
    expect(run).toMatchObject({ status: 'finished', deletedAt: expect.any(String), metrics: { accuracy: expect.any(Number) } });
    expect(run.artifacts).toHaveLength(1);
    expect(await runIds('life')).not.toContain(submitted.runId);
  });

  it('a deleted experiment is hidden from the list, takes no runs or jobs, keeps its name, and is restorable; Default cannot be deleted', async () => {
    expect((await fixture.api.send('DELETE', '/api/ml/experiments/life')).status).toBe(204);
    expect(await names('/api/ml/experiments')).not.toContain('life');
    expect(await names('/api/ml/experiments?lifecycle=deleted')).toEqual(['life']);
    expect(await names('/api/ml/experiments?lifecycle=all')).toContain('life');
    expect(await fixture.api.send('POST', '/api/ml/experiments/life/runs', { name: 'late' })).toMatchObject({ status: 409, body: { code: 'EXPERIMENT_DELETED' } });
    const jobsBefore = (await fixture.api.get('/api/ml/training-jobs?limit=500')).body.length;
    expect(await fixture.api.send('POST', '/api/ml/training-jobs', job({ experiment: 'life' }))).toMatchObject({ status: 409, body: { code: 'EXPERIMENT_DELETED' } });
    expect((await fixture.api.get('/api/ml/training-jobs?limit=500')).body).toHaveLength(jobsBefore);
    expect(await fixture.api.send('POST', '/api/ml/experiments', { name: 'life' })).toMatchObject({ status: 409, body: { code: 'EXPERIMENT_EXISTS', details: { deleted: true } } });
    expect((await runIds('life')).length).toBeGreaterThan(0);

    expect(await fixture.api.send('POST', '/api/ml/experiments/life/restore')).toMatchObject({ status: 200, body: { name: 'life', deletedAt: null } });
    expect(await names('/api/ml/experiments')).toContain('life');
    expect((await fixture.api.send('POST', '/api/ml/experiments/life/runs', { name: 'late' })).status).toBe(201);

    await train();
    expect(await fixture.api.send('DELETE', '/api/ml/experiments/Default')).toMatchObject({ status: 409, body: { code: 'DEFAULT_EXPERIMENT' } });
    expect((await fixture.api.send('DELETE', '/api/ml/experiments/nope')).status).toBe(404);
  });

  it("a deleted model is hidden from the list and ml__list_models, its versions can't be promoted, aliased or added to, and it is restorable", async () => {
    const [first, second] = [await train({ seed: 1 }), await train({ seed: 2 })];
    expect((await fixture.api.send('POST', '/api/ml/models/life-model/versions', { jobId: first.id })).status).toBe(201);
    expect((await fixture.api.send('DELETE', '/api/ml/models/life-model')).status).toBe(204);
    expect(await names('/api/ml/models')).not.toContain('life-model');
    expect(await names('/api/ml/models?lifecycle=deleted')).toEqual(['life-model']);
    expect((await fixture.api.get('/api/ml/models/life-model')).body).toMatchObject({ name: 'life-model', deletedAt: expect.any(String) });
    const client = new Client({ name: 'lifecycle-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    try {
      const listed = (await client.callTool({ name: 'ml__list_models', arguments: {} })).structuredContent as { models: { name: string }[] };
      expect(listed.models.map((m) => m.name)).not.toContain('life-model');
      const promoted = await client.callTool({ name: 'ml__promote_model', arguments: { name: 'life-model', version: 1, stage: 'Staging' } });
      expect(promoted.structuredContent).toMatchObject({ error: 'MODEL_DELETED' });
    } finally {
      await client.close();
    }

    expect(await fixture.api.send('POST', '/api/ml/models/life-model/versions/1/stage', { stage: 'Production' })).toMatchObject({ status: 409, body: { code: 'MODEL_DELETED' } });
    expect((await fixture.api.send('PUT', '/api/ml/models/life-model/aliases/champion', { version: 1 })).body.code).toBe('MODEL_DELETED');
    expect((await fixture.api.send('POST', '/api/ml/models/life-model/versions', { jobId: second.id })).body.code).toBe('MODEL_DELETED');
    expect(await fixture.api.send('POST', '/api/ml/models', { name: 'life-model' })).toMatchObject({ status: 409, body: { code: 'MODEL_EXISTS', details: { deleted: true } } });

    expect(await fixture.api.send('POST', '/api/ml/models/life-model/restore')).toMatchObject({ status: 200, body: { name: 'life-model', deletedAt: null, versions: [{ version: 1 }] } });
    expect(await names('/api/ml/models')).toContain('life-model');
    expect((await fixture.api.send('POST', '/api/ml/models/life-model/versions/1/stage', { stage: 'Production' })).body.stage).toBe('Production');
    const actions = ((await fixture.api.get('/api/ml/models/life-model/history')).body as { action: string }[]).map((h) => h.action);
    expect(actions).toEqual(['version_created', 'model_deleted', 'model_restored', 'stage_transition']);
    expect((await fixture.api.send('DELETE', '/api/ml/models/nope')).status).toBe(404);
  });
});
