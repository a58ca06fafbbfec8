import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { Json } from '../support/http';
import { submitJob, waitForJob } from '../support/ml';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('models trained elsewhere: upload to a run by hand, then register it', () => {
  let fixture: HubFixture;
  let artifactsDir: string;

  const upload = async (runId: string, bytes: Buffer, fileName: string, fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), fileName);
    const response = await fetch(fixture.hub.url(`/api/ml/runs/${runId}/artifacts`), { method: 'POST', body: form });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const register = (name: string, body: Record<string, unknown>) => fixture.api.send('POST', `/api/ml/models/${name}/versions`, body);
  const newRun = async (name: string) => (await fixture.api.send('POST', '/api/ml/experiments/external/runs', { name, params: { framework: 'xgboost', max_depth: 6 } })).body.id as string;
  const download = async (path: string) => Buffer.from(await (await fetch(fixture.hub.url(path))).arrayBuffer());

  beforeAll(async () => {
    artifactsDir = await mkdtemp(join(tmpdir(), 'from-run-artifacts-'));
    fixture = await HubFixture.start('ml-from-run', { mcpServers: {} }, { env: { ARTIFACTS_DIR: artifactsDir, DATASET_MAX_UPLOAD_MB: '1' } });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    await fixture.api.send('POST', '/api/ml/experiments', { name: 'external' });
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('a run logged by hand with an uploaded model becomes a version: same bytes, the run metrics, the run id', async () => {
    const runId = await newRun('gpu-box');
    await fixture.api.send('POST', `/api/ml/runs/${runId}/metrics`, { metrics: [{ key: 'auc', value: 0.91 }, { key: 'auc', value: 0.94 }] });
    const model = randomBytes(50_000);
    const stored = await upload(runId, model, 'booster.ubj');
    expect(stored).toMatchObject({ status: 201, body: { path: 'booster.ubj', size: model.length, sha256: sha256(model) } });
    expect((await fixture.api.get(`/api/ml/runs/${runId}/artifacts`)).body.map((f: { path: string }) => f.path)).toEqual(['booster.ubj']);
    expect((await fixture.api.get(`/api/ml/runs/${runId}`)).body.artifacts).toEqual([{ name: 'booster.ubj', uri: expect.stringContaining(`runs/${runId}/booster.ubj`), sha256: sha256(model) }]);
    expect(sha256(await download(`/api/ml/runs/${runId}/artifacts/booster.ubj`))).toBe(sha256(model));

    expect(await register('external-model', { runId })).toMatchObject({ status: 409, body: { code: 'RUN_NOT_FINISHED' } });
    expect((await fetch(fixture.hub.url(`/api/ml/runs/${runId}/finish`), { method: 'POST' })).status).toBe(204);
    const version = await register('external-model', { runId, description: 'trained on the GPU box' });
    expect(version).toMatchObject({ status: 201, body: { version: 1, runId, trainingJobId: null, artifactSha256: sha256(model), metrics: { auc: 0.94 }, signature: { inputs: [], output: null }, description: 'trained on the GPU box' } });
    expect(sha256(await download('/api/ml/models/external-model/versions/1/artifact'))).toBe(sha256(model));
    expect(await register('external-model', { runId })).toMatchObject({ status: 409, body: { code: 'RUN_ALREADY_REGISTERED' } });
    const history = (await fixture.api.get('/api/ml/models/external-model/history')).body as { action: string; reason: string }[];
    expect(history[0]).toMatchObject({ action: 'version_created', reason: `from run ${runId}` });
  });

  it('a run with several files names the model file; files are write-once; a run without files or not finished is refused', async () => {
    const runId = await newRun('two-files');
    expect((await upload(runId, Buffer.from('{"trees": []}'), 'model.json')).status).toBe(201);
    expect((await upload(runId, Buffer.from('a,b\n1,2\n'), 'anything.csv', { path: 'holdout.csv' })).body.path).toBe('holdout.csv');
    expect(await upload(runId, Buffer.from('other'), 'model.json')).toMatchObject({ status: 409, body: { code: 'RUN_ARTIFACT_EXISTS' } });
    const racing = await Promise.all(['a', 'b', 'c', 'd'].map((body) => upload(runId, Buffer.from(body.repeat(100_000)), 'raced.bin')));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const winner = racing.find((r) => r.status === 201)!.body.sha256;
    expect(sha256(await download(`/api/ml/runs/${runId}/artifacts/raced.bin`))).toBe(winner);
    expect((await fixture.api.get(`/api/ml/runs/${runId}`)).body.artifacts.filter((a: { name: string }) => a.name === 'raced.bin')).toHaveLength(1);
    await fixture.api.send('POST', `/api/ml/runs/${runId}/finish`, {});
    expect(await register('external-model', { runId })).toMatchObject({ status: 400, body: { details: [{ field: 'artifactPath', reason: expect.stringContaining('holdout.csv, model.json, raced.bin') }] } });
    expect(await register('external-model', { runId, artifactPath: 'model.json' })).toMatchObject({ status: 201, body: { version: 2 } });
    expect(await register('external-model', { runId, artifactPath: 'nope.bin' })).toMatchObject({ status: 404, body: { code: 'RUN_ARTIFACT_NOT_FOUND' } });

    const empty = await newRun('empty');
    await fixture.api.send('POST', `/api/ml/runs/${empty}/finish`, {});
    expect(await register('external-model', { runId: empty })).toMatchObject({ status: 409, body: { code: 'RUN_HAS_NO_ARTIFACT' } });
    expect((await register('external-model', { runId: '01a213e1-47be-745f-8c86-12edc9d84e5a' })).status).toBe(404);
  });

  it("a training job's run registers the job's model", async () => {
    const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'species' })).id);
    const version = await register('from-job-run', { runId: job.runId });
    expect(version).toMatchObject({ status: 201, body: { version: 1, runId: job.runId, trainingJobId: job.id, artifactSha256: job.artifact.sha256, signature: { output: { name: 'species' } } } });
    expect(await register('from-job-run', { jobId: job.id })).toMatchObject({ status: 409, body: { code: 'JOB_ALREADY_REGISTERED' } });
    expect(await register('from-job-run', { runId: job.runId, artifactPath: 'metadata.json' })).toMatchObject({ status: 400, body: { details: [{ field: 'artifactPath' }] } });
  });

  it('ml__register_model registers a run too', async () => {
    const runId = await newRun('over-mcp');
    await upload(runId, Buffer.from('weights'), 'weights.bin');
    await fixture.api.send('POST', `/api/ml/runs/${runId}/finish`, {});
    const client = new Client({ name: 'from-run-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    try {
      const registered = await client.callTool({ name: 'ml__register_model', arguments: { name: 'mcp-external', runId } });
      expect(registered.structuredContent).toMatchObject({ name: 'mcp-external', version: 1, runId, trainingJobId: null });
      const both = await client.callTool({ name: 'ml__register_model', arguments: { name: 'mcp-external', runId, jobId: runId } });
      expect(both.structuredContent).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'runId' }] });
    } finally {
      await client.close();
    }
  });

  it('answers 400, 404, 409, 413 and 415 for what it cannot take', async () => {
    const runId = await newRun('bad-input');
    expect(await register('external-model', { runId, jobId: '01a213e1-47be-745f-8c86-12edc9d84e5a' })).toMatchObject({ status: 400, body: { details: [{ field: 'runId' }] } });
    expect(await register('external-model', {})).toMatchObject({ status: 400, body: { details: [{ field: 'runId' }] } });
    expect(await register('external-model', { runId: 'not-a-uuid' })).toMatchObject({ status: 400, body: { details: [{ field: 'runId' }] } });

    expect(await upload(runId, randomBytes(1024 * 1024 + 1), 'big.bin')).toMatchObject({ status: 413 });
    expect((await fixture.api.get(`/api/ml/runs/${runId}/artifacts`)).body).toEqual([]);
    expect(await upload(runId, Buffer.from('x'), '.hidden')).toMatchObject({ status: 400, body: { details: [{ field: 'path' }] } });
    expect(await upload(runId, Buffer.from('x'), 'ok.bin', { path: '../escape' })).toMatchObject({ status: 400, body: { details: [{ field: 'path' }] } });
    expect(await fixture.api.send('POST', `/api/ml/runs/${runId}/artifacts`, { path: 'x.bin' })).toMatchObject({ status: 400, body: { details: [{ field: 'file' }] } });
    const plain = await fetch(fixture.hub.url(`/api/ml/runs/${runId}/artifacts`), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'model' });
    expect(plain.status).toBe(415);
    expect((await upload('01a213e1-47be-745f-8c86-12edc9d84e5a', Buffer.from('x'), 'm.bin')).status).toBe(404);
    await fixture.api.send('DELETE', `/api/ml/runs/${runId}`);
    expect(await upload(runId, Buffer.from('x'), 'm.bin')).toMatchObject({ status: 409, body: { code: 'RUN_DELETED' } });
    expect(await register('external-model', { runId })).toMatchObject({ status: 409, body: { code: 'RUN_DELETED' } });
  });
});
