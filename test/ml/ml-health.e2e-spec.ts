import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { Json } from '../support/http';
import { HubFixture } from '../support/hub-fixture';
import { NodeProcess, sleep } from '../support/hub-process';
import { PYTHON_BIN, submitJob, waitForJob } from '../support/ml';
import { RedisServer } from '../support/redis-server';

describe('GET /api/ml/health: queue depth, live workers, adapter runtimes (real BullMQ on a private redis-server)', () => {
  let redis: RedisServer;
  let fixture: HubFixture;
  let artifactsDir: string;
  let env: Record<string, string>;
  let worker: NodeProcess | undefined;

  const health = async () => {
    const response = await fetch(fixture.hub.url('/api/ml/health'));
    return { status: response.status, body: (await response.json()) as Json };
  };
  const waitForHealth = async (predicate: (body: Json) => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: Json;
    while (Date.now() < deadline) {
      last = (await health()).body;
      if (predicate(last)) return last;
      await sleep(100);
    }
    throw new Error(`/api/ml/health never matched; last: ${JSON.stringify(last)}`);
  };

  beforeAll(async () => {
    redis = new RedisServer(await freePort());
    await redis.start();
    artifactsDir = await mkdtemp(join(tmpdir(), 'ml-health-artifacts-'));
    const prefix = `test-ml-health-${process.pid}:`;
    fixture = await HubFixture.start('ml-health', { mcpServers: {} }, { env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, TRAINING_WORKER_ENABLED: 'false' } });
    env = { DATABASE_URL: fixture.databaseUrl, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, TELEMETRY_CONSUMER_ENABLED: 'false' };
    expect((await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' })).status).toBe(201);
  });

  afterAll(async () => {
    await worker?.stop();
    await fixture?.stop();
    await redis?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('with no worker: an empty queue, no live worker, every adapter with its runtime status, degraded', async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.queue).toEqual({ name: 'training', status: 'up', waiting: 0, active: 0, delayed: 0, failed: 0 });
    expect(body.workers).toEqual({ live: 0, thisInstance: false, concurrency: expect.any(Number), connections: [] });
    expect(body.status).toBe('degraded');

    // the same runtime reports as /api/ml/adapters: the node adapter is always there, Python ones as installed
    const adapters = (await fixture.api.get('/api/ml/adapters')).body as Json[];
    expect(body.adapters.map((a: Json) => a.name)).toEqual(['sklearn', 'torch', 'node']);
    for (const adapter of adapters) {
      expect(body.adapters.find((a: Json) => a.name === adapter.name)).toEqual({ name: adapter.name, runtime: adapter.runtime, ...adapter.status });
    }
    expect(body.adapters.find((a: Json) => a.name === 'node')).toMatchObject({ available: true, missing: [], versions: { node: expect.any(String) } });
  });

  it('counts queued jobs, then the worker that connects and drains them', async () => {
    const jobs = [
      await submitJob(fixture.api, { adapter: 'node', algorithm: 'random_forest', dataset: 'iris', target: 'species', hyperparameters: { n_estimators: 5 } }),
      await submitJob(fixture.api, { adapter: 'node', algorithm: 'random_forest', dataset: 'iris', target: 'species', hyperparameters: { n_estimators: 5 } }),
    ];
    const queued = await health();
    expect(queued.body.queue).toMatchObject({ status: 'up', waiting: 2, active: 0 });

    worker = new NodeProcess('dist/src/worker.js', env);
    await worker.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg));
    for (const job of jobs) expect(await waitForJob(fixture.api, job.id)).toMatchObject({ status: 'succeeded' });
    // the job's record says succeeded a moment before BullMQ moves it out of active
    const drained = await waitForHealth((b) => b.workers.live === 1 && b.queue.active === 0);
    expect(drained.queue).toEqual({ name: 'training', status: 'up', waiting: 0, active: 0, delayed: 0, failed: 0 });
    expect(drained.workers.connections).toEqual([{ addr: expect.stringMatching(/^127\.0\.0\.1:\d+$/), ageSeconds: expect.any(Number), idleSeconds: expect.any(Number) }]);
    const allRuntimes = drained.adapters.every((a: Json) => a.available);
    expect(drained.status).toBe(allRuntimes ? 'ok' : 'degraded');

    worker.signal('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    expect((await waitForHealth((b) => b.workers.live === 0)).status).toBe('degraded');
  });

  it('answers 503 naming the unreachable queue while Redis is down, instead of hanging', async () => {
    await redis.stop();
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'down', queue: { name: 'training', status: 'down', error: expect.stringContaining('Redis') }, workers: { live: 0 } });
    expect(body.queue.waiting).toBeUndefined();

    await redis.start();
    expect((await waitForHealth((b) => b.queue.status === 'up')).queue).toMatchObject({ waiting: 0, failed: 0 });
  });
});
