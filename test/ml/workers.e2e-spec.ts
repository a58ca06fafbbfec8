import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { NodeProcess, sleep } from '../support/hub-process';
import { processAlive } from '../support/mcp-servers';
import { assertPythonStack, childPids, PYTHON_BIN, submitJob, waitForJob } from '../support/ml';


async function waitUntilGone(pids: number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(processAlive) && Date.now() < deadline) await sleep(50);
}

describe('training workers: `npm run worker` processes, a killed worker, graceful shutdown', () => {
  let fixture: HubFixture;
  let artifactsDir: string;
  let env: Record<string, string>;
  const workers: NodeProcess[] = [];

  const startWorker = async (extra: Record<string, string> = {}) => {
    const worker = new NodeProcess('dist/src/worker.js', { ...env, ...extra });
    workers.push(worker);
    await worker.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg));
    return worker;
  };

  beforeAll(async () => {
    assertPythonStack();
    artifactsDir = await mkdtemp(join(tmpdir(), 'worker-artifacts-'));
    const prefix = `test-ml-workers-${process.pid}:`;
    fixture = await HubFixture.start('ml-workers', { mcpServers: {} }, { env: { REDIS_KEY_PREFIX: prefix, PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, TRAINING_WORKER_ENABLED: 'false' } });
    env = { DATABASE_URL: fixture.databaseUrl, REDIS_KEY_PREFIX: prefix, PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, TRAINING_STALLED_INTERVAL_MS: '1000', TELEMETRY_CONSUMER_ENABLED: 'false' };
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('a job whose worker is SIGKILLed mid-run is taken by another worker and succeeds exactly once', async () => {
    const a = await startWorker();
    const job = await submitJob(fixture.api, { adapter: 'torch', algorithm: 'mlp', dataset: 'iris', target: 'species', hyperparameters: { epochs: 500 } });
    await waitForJob(fixture.api, job.id, (j) => j.status === 'running' && j.progress > 0.1);
    const orphans = childPids(a.pid, 'mcp_hub_adapter');
    expect(orphans).toHaveLength(1);
    a.signal('SIGKILL');
    await a.exited;
    await waitUntilGone(orphans);
    expect(orphans.filter(processAlive)).toEqual([]);

    const b = await startWorker();
    const done = await waitForJob(fixture.api, job.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    const logs = ((await fixture.api.get(`/api/ml/training-jobs/${job.id}/logs`)).body as { message: string }[]).map((l) => l.message);
    expect(logs.filter((m) => m.startsWith('attempt '))).toHaveLength(2);
    expect(logs.filter((m) => m.startsWith('model stored at'))).toHaveLength(1);
    expect((await readdir(join(artifactsDir, 'training', job.id))).filter((f) => !f.endsWith('.meta.json')).sort()).toEqual(['metadata.json', 'model.pt']);
    await sleep(1500);
    expect((await fixture.api.get(`/api/ml/training-jobs/${job.id}`)).body).toMatchObject({ status: 'succeeded', attempts: 2 });
    b.signal('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });

  it('on SIGTERM an active job finishes within the grace period', async () => {
    const worker = await startWorker({ TRAINING_SHUTDOWN_GRACE_MS: '60000' });
    const job = await submitJob(fixture.api, { adapter: 'torch', algorithm: 'mlp', dataset: 'iris', target: 'species', hyperparameters: { epochs: 300 } });
    await waitForJob(fixture.api, job.id, (j) => j.status === 'running' && j.progress > 0.05);
    worker.signal('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    expect((await fixture.api.get(`/api/ml/training-jobs/${job.id}`)).body).toMatchObject({ status: 'succeeded', attempts: 1 });
    const messages = worker.logs.map((l) => l.msg);
    expect(messages).toContain('Shutdown complete: ingress=ok producers=ok workers=ok flush=ok connections=ok database=ok');
  });

  it('past the grace period the job goes back to the queue, no adapter is left behind, and it resumes after restart', async () => {
    const worker = await startWorker({ TRAINING_SHUTDOWN_GRACE_MS: '300' });
    const job = await submitJob(fixture.api, { adapter: 'torch', algorithm: 'mlp', dataset: 'iris', target: 'species', hyperparameters: { epochs: 500 } });
    await waitForJob(fixture.api, job.id, (j) => j.status === 'running' && j.progress > 0.05);
    const adapters = childPids(worker.pid, 'mcp_hub_adapter');
    worker.signal('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    expect(adapters.filter(processAlive)).toEqual([]);
    expect(worker.logs.map((l) => l.msg).join('\n')).toContain('still running after 300 ms; stopping them and putting them back on the queue');
    expect((await fixture.api.get(`/api/ml/training-jobs/${job.id}`)).body).toMatchObject({ status: 'queued', stage: 'requeued after a worker shutdown' });

    await startWorker();
    const done = await waitForJob(fixture.api, job.id);
    expect(done).toMatchObject({ status: 'succeeded' });
  });
});
