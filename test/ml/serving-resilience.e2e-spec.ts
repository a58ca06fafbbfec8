import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubApi } from '../support/hub-api';
import { HubFixture } from '../support/hub-fixture';
import { Json } from '../support/http';
import { HubProcess, sleep } from '../support/hub-process';
import { assertPythonStack, childPids, csvRows, IRIS_FEATURES, PYTHON_BIN, trainAndRegister } from '../support/ml';

interface Outcome {
  started: number;
  finished: number;
  status: number;
  version?: number;
  code?: string;
}

describe('serving under failure: a killed worker, a promotion under traffic, no Python stack', () => {
  // restarts and replica boots take seconds, tens of them on a busy machine
  jest.setTimeout(180_000);

  let fixture: HubFixture;
  let artifactsDir: string;
  let rows: Record<string, unknown>[];

  /** `clients` loops sending one-row predictions until stop() resolves; every outcome is kept. */
  function traffic(hub: { url(path: string): string }, model: string, clients: number) {
    const outcomes: Outcome[] = [];
    let running = true;
    const loops = Array.from({ length: clients }, async (_, client) => {
      for (let i = client; running; i += clients) {
        const started = performance.now();
        const response = await fetch(hub.url(`/api/ml/models/${model}/predict`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [rows[i % rows.length]] }) });
        const body = (await response.json()) as Json;
        outcomes.push({ started, finished: performance.now(), status: response.status, version: body.model?.version, code: body.code });
      }
    });
    return {
      outcomes,
      stop: async () => {
        running = false;
        await Promise.all(loops);
        return outcomes;
      },
    };
  }

  const servingWorkers = async (): Promise<Json[]> => (await fixture.api.get('/api/ml/health')).body.serving.python.workers;

  beforeAll(async () => {
    assertPythonStack();
    artifactsDir = await mkdtemp(join(tmpdir(), 'serving-resilience-'));
    fixture = await HubFixture.start('serving-resilience', { mcpServers: {} }, { env: { PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, SERVING_CACHE_DIR: join(artifactsDir, 'cache'), SERVING_PYTHON_WORKERS: '2' } });
    rows = csvRows(await readFile('data/sample.csv', 'utf8')).map((row) => Object.fromEntries(IRIS_FEATURES.map((f) => [f, row[f]])));
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    const job = { dataset: 'iris', target: 'species', adapter: 'sklearn', algorithm: 'random_forest' };
    await trainAndRegister(fixture.api, 'iris-sk', { ...job, seed: 1, hyperparameters: { n_estimators: 20 } });
    await trainAndRegister(fixture.api, 'iris-sk', { ...job, seed: 2, hyperparameters: { n_estimators: 40 } }, null);
    await trainAndRegister(fixture.api, 'iris-node', { dataset: 'iris', target: 'species', adapter: 'node', algorithm: 'cart' });
  }, 300_000);

  /** Another hub on the fixture's database and artifacts, with its own Redis prefix and serving cache. */
  const startReplica = (name: string, env: Record<string, string>) =>
    HubProcess.start({
      DATABASE_URL: fixture.databaseUrl,
      MCP_SERVERS_CONFIG: fixture.serversFile,
      REDIS_KEY_PREFIX: `test-serving-${name}-${process.pid}:`,
      ARTIFACTS_DIR: artifactsDir,
      SERVING_CACHE_DIR: join(artifactsDir, `cache-${name}`),
      PYTHON_BIN,
      TRAINING_WORKER_ENABLED: 'false',
      ...env,
    });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('a serving worker SIGKILLed during traffic is restarted and no request fails', async () => {
    expect((await fixture.api.send('POST', '/api/ml/models/iris-sk/predict', { instances: rows.slice(0, 2) })).status).toBe(200);
    const before = await servingWorkers();
    expect(before.map((w) => w.state)).toEqual(['ready', 'ready']);
    const pids = childPids(fixture.hub.pid, 'mcp_hub_adapter serve');
    expect(pids.sort()).toEqual(before.map((w) => w.pid).sort());

    const load = traffic(fixture.hub, 'iris-sk', 16);
    await sleep(1000);
    const victim = before[0].pid as number;
    process.kill(victim, 'SIGKILL');
    const killedAt = performance.now();
    const deadline = Date.now() + 60_000;
    let restarted: Json | undefined;
    while (Date.now() < deadline && !(restarted?.state === 'ready' && restarted.pid !== victim)) {
      await sleep(100);
      restarted = (await servingWorkers())[0];
    }
    const restartedAt = performance.now();
    await sleep(500);
    const outcomes = await load.stop();

    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(outcomes.filter((o) => o.started > killedAt).length).toBeGreaterThan(10);
    expect(outcomes.filter((o) => o.started > restartedAt).length).toBeGreaterThan(0);
    const after = await servingWorkers();
    expect(after[0]).toMatchObject({ state: 'ready', restarts: 1, lastExit: expect.stringContaining('SIGKILL') });
    expect(after[0].pid).not.toBe(victim);
    expect(after[1]).toMatchObject({ state: 'ready', restarts: 0, pid: before[1].pid });
    expect((await fixture.api.send('POST', '/api/ml/models/iris-sk/predict', { instances: rows.slice(0, 50) })).status).toBe(200);
  });

  it('a promotion during continuous traffic fails no request, and every request after the switch reports the new version', async () => {
    const load = traffic(fixture.hub, 'iris-sk', 8);
    await sleep(800);
    const promoted = await fixture.api.send('POST', '/api/ml/models/iris-sk/versions/2/stage', { stage: 'Production' });
    expect(promoted.status).toBe(200);
    const deadline = Date.now() + 20_000;
    while (!load.outcomes.some((o) => o.version === 2) && Date.now() < deadline) await sleep(50);
    await sleep(1000);
    const outcomes = await load.stop();

    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    const firstNew = Math.min(...outcomes.filter((o) => o.version === 2).map((o) => o.finished));
    expect(outcomes.some((o) => o.version === 1)).toBe(true);
    const later = outcomes.filter((o) => o.started > firstNew);
    expect(later.length).toBeGreaterThan(10);
    expect(later.filter((o) => o.version !== 2)).toEqual([]);
    const sha = (await fixture.api.get('/api/ml/models/iris-sk/versions/2')).body.artifactSha256;
    expect((await servingWorkers()).every((w) => (w.loaded as string[]).includes(sha))).toBe(true);
  });

  it('a replica loads the Production versions at boot; past SERVING_QUEUE_MAX waiting requests it answers 503 with Retry-After', async () => {
    const replica = await startReplica('queue', { SERVING_PYTHON_WORKERS: '1', SERVING_QUEUE_MAX: '1', SERVING_BATCH_WAIT_MS: '50' });
    try {
      const api = new HubApi(replica);
      const deadline = Date.now() + 60_000;
      let serving: Json;
      do {
        await sleep(200);
        serving = (await api.get('/api/ml/health')).body.serving;
      } while (serving.routes.length < 2 && Date.now() < deadline);
      expect(serving.routes).toEqual(expect.arrayContaining([{ model: 'iris-sk', ref: 'Production', version: 2, runtime: 'sklearn' }, { model: 'iris-node', ref: 'Production', version: 1, runtime: 'node' }]));
      expect(serving.python.workers).toEqual([expect.objectContaining({ state: 'ready', loaded: [(await fixture.api.get('/api/ml/models/iris-sk/versions/2')).body.artifactSha256] })]);

      const answers = await Promise.all(
        rows.slice(0, 12).map(async (row) => {
          const response = await fetch(replica.url('/api/ml/models/iris-sk/predict'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [row] }) });
          return { status: response.status, retryAfter: response.headers.get('retry-after'), code: ((await response.json()) as Json).code };
        }),
      );
      const busy = answers.filter((a) => a.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.every((a) => a.code === 'SERVING_BUSY' && a.retryAfter === '1')).toBe(true);
      expect(answers.filter((a) => a.status !== 503).every((a) => a.status === 200)).toBe(true);
    } finally {
      await replica.stop();
    }
  });

  it('without the Python stack, Python models answer 503 naming what to install while node models keep serving', async () => {
    // an interpreter that cannot see its site packages: no numpy, pandas or scikit-learn
    const bare = join(artifactsDir, 'python-without-packages');
    await writeFile(bare, `#!/bin/sh\nexec ${PYTHON_BIN} -S "$@"\n`);
    await chmod(bare, 0o755);
    const replica = await startReplica('bare', { PYTHON_BIN: bare });
    try {
      const api = new HubApi(replica);
      const python = await api.send('POST', '/api/ml/models/iris-sk/predict', { instances: rows.slice(0, 1) });
      expect(python.status).toBe(503);
      expect(python.body).toMatchObject({ code: 'ADAPTER_UNAVAILABLE', details: { missing: expect.arrayContaining(['numpy', 'pandas', 'sklearn']) } });
      expect(python.body.message).toContain('apt-get install python3-numpy python3-pandas python3-sklearn');
      const node = await api.send('POST', '/api/ml/models/iris-node/predict', { instances: rows.slice(0, 3) });
      expect(node).toMatchObject({ status: 200, body: { model: { name: 'iris-node', version: 1 }, predictions: [expect.any(String), expect.any(String), expect.any(String)] } });
      expect(childPids(replica.pid, 'mcp_hub_adapter serve')).toEqual([]);
    } finally {
      await replica.stop();
    }
  });
});
