import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { submitJob, waitForJob } from '../support/ml';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('ML traceability: job → run → artifacts → model versions', () => {
  let fixture: HubFixture;
  let artifactsDir: string;

  const train = async (body: Record<string, unknown> = {}) => waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'species', experiment: 'trace', ...body })).id);
  const download = async (path: string) => {
    const response = await fetch(fixture.hub.url(path));
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  beforeAll(async () => {
    artifactsDir = await mkdtemp(join(tmpdir(), 'trace-artifacts-'));
    fixture = await HubFixture.start('ml-trace', { mcpServers: {} }, { env: { ARTIFACTS_DIR: artifactsDir } });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  describe('the job JSON names its run and the versions registered from it', () => {
    it('runId from submit on, registeredVersions once registered, in the job, the job list and ml__job_status', async () => {
      const submitted = await submitJob(fixture.api, { adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'species', experiment: 'trace' });
      expect(submitted.runId).toEqual(expect.any(String));
      const job = await waitForJob(fixture.api, submitted.id);
      expect(job).toMatchObject({ status: 'succeeded', runId: submitted.runId, registeredVersions: [] });
      expect((await fixture.api.get(`/api/ml/runs/${job.runId}`)).body).toMatchObject({ id: job.runId, trainingJobId: job.id, status: 'finished' });

      expect((await fixture.api.send('POST', '/api/ml/models/trace-a/versions', { jobId: job.id })).status).toBe(201);
      expect((await fixture.api.send('POST', '/api/ml/models/trace-b/versions', { jobId: job.id })).status).toBe(201);
      const registered = [{ model: 'trace-a', version: 1 }, { model: 'trace-b', version: 1 }];
      expect((await fixture.api.get(`/api/ml/training-jobs/${job.id}`)).body.registeredVersions).toEqual(registered);
      const listed = (await fixture.api.get('/api/ml/training-jobs')).body as { id: string; runId: string; registeredVersions: unknown }[];
      expect(listed.find((j) => j.id === job.id)).toMatchObject({ runId: job.runId, registeredVersions: registered });
      const version = (await fixture.api.get('/api/ml/models/trace-a/versions/1')).body;
      expect(version.runId).toBe(job.runId);
      const client = new Client({ name: 'trace-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
      try {
        expect((await client.callTool({ name: 'ml__job_status', arguments: { id: job.id } })).structuredContent).toMatchObject({ runId: job.runId, registeredVersions: registered });
      } finally {
        await client.close();
      }
    });

    it('a job registered on success (registerAs) names that version', async () => {
      const job = await train({ algorithm: 'knn', registerAs: 'trace-auto' });
      const traced = await waitForJob(fixture.api, job.id, (j) => j.registeredVersions.length > 0);
      expect(traced.registeredVersions).toEqual([{ model: 'trace-auto', version: 1 }]);
    });
  });

  describe("a run's artifacts", () => {
    it("lists a training run's model file and metadata.json, and downloads each with its checksum", async () => {
      const job = await train({ seed: 7 });
      const list = await fixture.api.get(`/api/ml/runs/${job.runId}/artifacts`);
      expect(list.status).toBe(200);
      const files = list.body as { path: string; size: number; sha256: string; contentType: string }[];
      expect(files.map((f) => f.path)).toEqual(['metadata.json', 'model.json']);
      expect(files.find((f) => f.path === 'model.json')!.sha256).toBe(job.artifact.sha256);

      const metadata = await download(`/api/ml/runs/${job.runId}/artifacts/metadata.json`);
      expect(metadata.status).toBe(200);
      expect(metadata.headers.get('content-type')).toContain('application/json');
      expect(metadata.headers.get('content-disposition')).toContain('metadata.json');
      expect(metadata.headers.get('x-artifact-sha256')).toBe(sha256(metadata.bytes));
      expect(JSON.parse(metadata.bytes.toString())).toMatchObject({ jobId: job.id, adapter: 'node', algorithm: 'cart', seed: 7, target: 'species', model: { sha256: job.artifact.sha256 } });

      const model = await download(`/api/ml/runs/${job.runId}/artifacts/model.json`);
      expect(sha256(model.bytes)).toBe(job.artifact.sha256);
      expect(model.bytes.length).toBe(files.find((f) => f.path === 'model.json')!.size);
    });

    it('answers 404 for an unknown run or file and 400 for a path that is not a file name', async () => {
      const job = (await fixture.api.get('/api/ml/training-jobs?status=succeeded')).body[0];
      const missing = await fixture.api.get(`/api/ml/runs/${job.runId}/artifacts/model.pkl`);
      expect(missing).toMatchObject({ status: 404, body: { code: 'RUN_ARTIFACT_NOT_FOUND' } });
      expect((await fixture.api.get('/api/ml/runs/01a213e1-47be-745f-8c86-12edc9d84e5a/artifacts')).status).toBe(404);
      expect((await fixture.api.get('/api/ml/runs/01a213e1-47be-745f-8c86-12edc9d84e5a/artifacts/metadata.json')).status).toBe(404);
      for (const path of ['.hidden', 'model.json.meta.json', '..%2Fmetadata.json', 'a%20b']) {
        const bad = await fixture.api.get(`/api/ml/runs/${job.runId}/artifacts/${path}`);
        expect(bad).toMatchObject({ status: 400, body: { details: [expect.objectContaining({ field: 'path' })] } });
      }
      expect((await fixture.api.get('/api/ml/runs/not-a-uuid/artifacts')).status).toBe(400);
    });
  });
});
