import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HubFixture } from '../support/hub-fixture';
import { NodeProcess, sleep } from '../support/hub-process';
import type { Json } from '../support/http';
import { assertPythonStack, childPids, PYTHON_BIN, waitForJob } from '../support/ml';
import { queryDatabase } from '../support/test-database';
import { Client as PgClient } from 'pg';
import { PYTHON_PACKAGE_DIR } from '../../src/ml/adapters/adapter-paths';
import { optunaStorageUrl } from '../../src/ml/hpo/optuna-client';

const TRIALS = 20;

/** A seeded classification set where the learning rate matters: class = sign of a noisy nonlinear score. */
function syntheticRows(count: number): string {
  let state = 12345;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ['x1,x2,x3,x4,x5,label'];
  for (let i = 0; i < count; i++) {
    const x = Array.from({ length: 5 }, () => random() * 4 - 2);
    const score = Math.sin(x[0] * 1.5) + x[1] * x[2] - 0.5 * x[3] ** 2 + 0.3 * x[4] + (random() - 0.5) * 0.6;
    lines.push(`${x.map((v) => v.toFixed(4)).join(',')},${score > 0 ? 'yes' : 'no'}`);
  }
  return lines.join('\n');
}

const BASE_JOB = { adapter: 'sklearn', algorithm: 'gradient_boosting', dataset: 'synthetic', target: 'label', hyperparameters: { n_estimators: 200 } };
const SPACE = { learning_rate: { type: 'float', low: 0.0001, high: 1, log: true }, max_depth: { type: 'int', low: 1, high: 5 } };

describe('hyper-parameter search: Optuna studies whose trials are training jobs on two workers', () => {
  let fixture: HubFixture;
  let dataDir: string;
  let env: Record<string, string>;
  const workers: NodeProcess[] = [];

  const startWorker = async () => {
    const worker = new NodeProcess('dist/src/worker.js', env);
    workers.push(worker);
    await worker.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg));
    return worker;
  };
  /** The study's trials as Optuna stores them, in number order. */
  const optunaTrials = async (studyId: string): Promise<{ number: number; state: string }[]> =>
    queryDatabase(fixture.databaseUrl, `SELECT t.number, t.state::text AS state FROM optuna.trials t JOIN optuna.studies s ON s.study_id = t.study_id WHERE s.study_name = $1 ORDER BY t.number`, [studyId]);
  const study = async (name: string): Promise<Json> => (await fixture.api.get(`/api/ml/studies/${name}`)).body;
  const waitForStudy = async (name: string, predicate: (s: Json) => boolean, timeoutMs = 240_000): Promise<Json> => {
    const deadline = Date.now() + timeoutMs;
    let last: Json = {};
    while (Date.now() < deadline) {
      last = await study(name);
      if (predicate(last)) return last;
      await sleep(250);
    }
    const problems = workers.flatMap((w) => w.logs.filter((l) => l.level >= 40).map((l) => `${l.context ?? ''}: ${l.msg}`)).slice(-20);
    throw new Error(`study ${name} never matched; last: ${JSON.stringify(last.counts)} ${last.status}; worker warnings: ${problems.join(' | ')}`);
  };

  beforeAll(async () => {
    assertPythonStack();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-hpo-'));
    const prefix = `test-hpo-${process.pid}:`;
    const shared = { REDIS_KEY_PREFIX: prefix, PYTHON_BIN, ARTIFACTS_DIR: join(dataDir, 'artifacts'), DATA_DIR: dataDir };
    fixture = await HubFixture.start('hpo', { mcpServers: {} }, { env: { ...shared, TRAINING_WORKER_ENABLED: 'false' } });
    env = { ...shared, DATABASE_URL: fixture.databaseUrl, TRAINING_STALLED_INTERVAL_MS: '1000', TELEMETRY_CONSUMER_ENABLED: 'false' };
    await writeFile(join(dataDir, 'synthetic.csv'), syntheticRows(1500));
    expect((await fixture.api.send('POST', '/api/ml/datasets', { uri: `local://${join(dataDir, 'synthetic.csv')}`, name: 'synthetic' })).status).toBe(201);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await fixture?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses bad studies with 400 naming the field, and answers unknown ones with 404', async () => {
    const refused = async (patch: Record<string, unknown>) => {
      const answer = await fixture.api.send('POST', '/api/ml/studies', { name: 'bad', job: BASE_JOB, searchSpace: SPACE, objective: { metric: 'accuracy' }, maxTrials: 5, ...patch });
      expect(answer.status).toBe(400);
      return answer.body.details.map((d: { field: string; reason: string }) => `${d.field}: ${d.reason}`);
    };
    expect(await refused({ searchSpace: { depth: { type: 'int', low: 1, high: 3 } } })).toEqual([expect.stringMatching(/^searchSpace\.depth: not a hyperparameter of the algorithm \(it has n_estimators, learning_rate, max_depth, subsample\)$/)]);
    expect(await refused({ searchSpace: { max_depth: { type: 'float', low: 1, high: 5 } } })).toEqual(['searchSpace.max_depth: the hyperparameter takes integers; use type int']);
    expect(await refused({ searchSpace: { learning_rate: { type: 'float', low: 0, high: 20 } } })).toEqual([expect.stringMatching(/^searchSpace\.learning_rate\.low: /), expect.stringMatching(/^searchSpace\.learning_rate\.high: /)]);
    expect(await refused({ objective: { metric: 'rmse' } })).toEqual([expect.stringMatching(/^objective\.metric: "rmse" is not a classification metric; choose one of accuracy/)]);
    expect(await refused({ job: { ...BASE_JOB, dataset: 'nope' } })).toEqual([expect.stringMatching(/^job\.dataset: no dataset with id or name "nope"/)]);
    expect(await refused({ job: { ...BASE_JOB, registerAs: 'x' } })).toEqual(['job.registerAs: trials do not register their models; give registerBestAs to register the best one']);
    expect(await refused({ job: { ...BASE_JOB, algorithm: 'knn', hyperparameters: {} }, searchSpace: { n_neighbors: { type: 'int', low: 1, high: 30 } }, pruner: { kind: 'median' } })).toEqual([
      'pruner: sklearn/knn reports no intermediate values with a holdout; use validation.folds (one value per fold) or leave the pruner out',
    ]);
    expect(await refused({ sampler: 'grid' })).toEqual(['searchSpace.learning_rate: a grid needs a step for a float range']);
    expect((await fixture.api.get('/api/ml/studies/nope')).status).toBe(404);
  });

  it('20 TPE trials, 2 at a time across two workers, beat the median random trial, prune, and lose or double-count nothing when a worker is SIGKILLed and the other restarted', async () => {
    const a = await startWorker();
    await startWorker();
    const start = (name: string, sampler: string, pruner?: object) =>
      fixture.api.send('POST', '/api/ml/studies', { name, job: BASE_JOB, searchSpace: SPACE, objective: { metric: 'accuracy' }, sampler, ...(pruner ? { pruner } : {}), maxTrials: TRIALS, maxParallel: 2, seed: 7, registerBestAs: name === 'tpe' ? 'synthetic-best' : undefined });
    const created = await start('tpe', 'tpe', { kind: 'median', startupTrials: 4, warmupSteps: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'tpe', status: 'running', objective: { metric: 'accuracy', direction: 'maximize' }, experiment: 'hpo-tpe' });
    expect((await start('tpe', 'tpe')).status).toBe(409);

    // SIGKILL worker a while it runs a trial, once a few trials have finished
    await waitForStudy('tpe', (s) => s.counts.complete + s.counts.pruned >= 4);
    let victim: number[] = [];
    for (let i = 0; i < 200 && victim.length === 0; i++) {
      victim = childPids(a.pid, 'mcp_hub_adapter$');
      if (victim.length === 0) await sleep(50);
    }
    expect(victim.length).toBeGreaterThan(0);
    const running = (await study('tpe')).trials.filter((t: Json) => t.state === 'running').map((t: Json) => t.jobId);
    a.signal('SIGKILL');
    await a.exited;
    await startWorker();
    // and the other worker restarts: no process that began the study is left
    const b = workers[1];
    b.signal('SIGTERM');
    expect((await b.exited).code).toBe(0);
    await startWorker();

    const tpe = await waitForStudy('tpe', (s) => s.finishedAt !== null);
    expect(tpe.status).toBe('completed');
    expect(tpe.counts).toMatchObject({ total: TRIALS, asked: 0, running: 0 });
    expect(tpe.counts.complete + tpe.counts.pruned + tpe.counts.failed).toBe(TRIALS);
    expect(tpe.counts.failed).toBe(0);
    expect(tpe.counts.pruned).toBeGreaterThanOrEqual(1);
    expect(tpe.trials.map((t: Json) => t.number)).toEqual(Array.from({ length: TRIALS }, (_, i) => i));
    expect(new Set(tpe.trials.map((t: Json) => t.jobId)).size).toBe(TRIALS);
    // Optuna holds the same 20 trials, each finished once, in the states the hub shows
    const optuna = await optunaTrials(tpe.id);
    expect(optuna.map((t) => `${t.number}:${t.state}`)).toEqual(tpe.trials.map((t: Json) => `${t.number}:${{ complete: 'COMPLETE', pruned: 'PRUNED', failed: 'FAIL' }[t.state as string]}`));
    // the trial killed with its worker ran again on another one and counts once
    const jobs = await Promise.all(running.map(async (id: string) => (await fixture.api.get(`/api/ml/training-jobs/${id}`)).body));
    expect(jobs.some((j: Json) => j.attempts === 2)).toBe(true);
    for (const trial of tpe.trials.filter((t: Json) => t.state === 'pruned')) expect((await fixture.api.get(`/api/ml/training-jobs/${trial.jobId}`)).body.status).toBe('pruned');

    // every trial is a run of the study's experiment, with the accuracy history a pruner used
    const runs = (await fixture.api.get('/api/ml/experiments/hpo-tpe/runs?limit=100')).body as Json[];
    expect(runs).toHaveLength(TRIALS);
    expect(runs.map((r) => r.tags.trial).sort((x: string, y: string) => Number(x) - Number(y))).toEqual(tpe.trials.map((t: Json) => String(t.number)));

    // best trial, importances, the registered model
    const values = tpe.trials.filter((t: Json) => t.state === 'complete').map((t: Json) => t.value as number);
    expect(tpe.best.value).toBe(Math.max(...values));
    expect(Object.keys(tpe.importances).sort()).toEqual(['learning_rate', 'max_depth']);
    expect(tpe.best.registered).toMatchObject({ model: 'synthetic-best' });
    expect((await fixture.api.get(`/api/ml/models/synthetic-best/versions/${tpe.best.registered.version}`)).body.trainingJobId).toBe(tpe.best.jobId);

    // the same budget sampled at random: its median trial is worse than TPE's best
    expect((await start('random', 'random')).status).toBe(201);
    const random = await waitForStudy('random', (s) => s.finishedAt !== null);
    const sorted = random.trials.filter((t: Json) => t.state === 'complete').map((t: Json) => t.value as number).sort((x: number, y: number) => x - y);
    expect(sorted).toHaveLength(TRIALS);
    const median = (sorted[TRIALS / 2 - 1] + sorted[TRIALS / 2]) / 2;
    expect(tpe.best.value).toBeGreaterThan(median);
  }, 400_000);

  it('stops a study: no new trials, the running ones cancelled, closed with the best so far', async () => {
    const created = await fixture.api.send('POST', '/api/ml/studies', {
      name: 'stopped',
      // trials long enough (5,000 trees of depth 4-5) that none can finish between being seen running and the stop
      job: { ...BASE_JOB, hyperparameters: { n_estimators: 5000 } },
      searchSpace: { max_depth: { type: 'int', low: 4, high: 5 } },
      objective: { metric: 'accuracy' },
      maxTrials: 10,
      maxParallel: 2,
    });
    expect(created.status).toBe(201);
    const running = await waitForStudy('stopped', (s) => s.counts.running === 2);
    const stopped = await fixture.api.send('POST', '/api/ml/studies/stopped/stop', {});
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    const done = await waitForStudy('stopped', (s) => s.finishedAt !== null, 60_000);
    expect(done).toMatchObject({ status: 'stopped', counts: { total: 2, running: 0, asked: 0 } });
    for (const trial of running.trials) expect((await fixture.api.get(`/api/ml/training-jobs/${trial.jobId}`)).body.status).toBe('cancelled');
    expect((await fixture.api.send('POST', '/api/ml/studies/stopped/stop', {})).status).toBe(409);
  }, 120_000);

  it('runs a trial Optuna asked for a process that died before recording it, before asking a new one; fails one it died while sampling', async () => {
    await startWorker();
    const searchSpace = { max_depth: { type: 'int', low: 1, high: 5 } };
    const created = await fixture.api.send('POST', '/api/ml/studies', { name: 'orphan', job: { ...BASE_JOB, hyperparameters: { n_estimators: 20 } }, searchSpace, objective: { metric: 'accuracy' }, sampler: 'random', seed: 3, maxTrials: 3, maxParallel: 1 });
    expect(created.status).toBe(201);
    const python = (args: string[], input = '') =>
      spawnSync(PYTHON_BIN, args, { cwd: PYTHON_PACKAGE_DIR, input, encoding: 'utf8', env: { ...process.env, PYTHONPATH: PYTHON_PACKAGE_DIR, MCP_HUB_OPTUNA_STORAGE: optunaStorageUrl(fixture.databaseUrl) } });
    // the study's lock held as an advancing process holds it; once no trial runs, two trials are asked
    // from Optuna meanwhile: one whole, one cut short before its parameters (that process dies in between)
    const lock = new PgClient({ connectionString: fixture.databaseUrl });
    await lock.connect();
    let asked: { number: number; params: Record<string, unknown> };
    let partial: number;
    try {
      let locked = false;
      for (let i = 0; i < 200 && !locked; i++) {
        locked = (await lock.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`hpo:${created.body.id}`])).rows[0].locked;
        if (!locked) await sleep(50);
      }
      expect(locked).toBe(true);
      for (const trial of (await study('orphan')).trials) await waitForJob(fixture.api, trial.jobId);
      const request = { id: 1, op: 'ask', study: { name: created.body.id, direction: 'maximize', sampler: 'random', pruner: null, seed: 3, searchSpace } };
      const answer = python(['-m', 'mcp_hub_adapter', 'hpo'], `${JSON.stringify(request)}\n`).stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((message) => message.id === 1);
      expect(answer).toMatchObject({ ok: true });
      asked = answer.result;
      const cut = python(['-c', `import os, optuna; print(optuna.load_study(study_name=${JSON.stringify(created.body.id)}, storage=os.environ["MCP_HUB_OPTUNA_STORAGE"]).ask().number)`]);
      expect(cut.status).toBe(0);
      partial = Number(cut.stdout.trim().split('\n').pop());
    } finally {
      await lock.end();
    }
    const done = await waitForStudy('orphan', (s) => s.finishedAt !== null, 120_000);
    expect(done.counts).toMatchObject({ total: 3, complete: 3, failed: 0 });
    const numbers = done.trials.map((t: Json) => t.number);
    expect(numbers).toContain(asked.number);
    expect(numbers).not.toContain(partial);
    const adopted = done.trials.find((t: Json) => t.number === asked.number);
    expect(adopted.params).toEqual(asked.params);
    const jobs = await Promise.all(done.trials.map(async (t: Json) => (await fixture.api.get(`/api/ml/training-jobs/${t.jobId}`)).body));
    expect(jobs.find((j: Json) => j.id === adopted.jobId).hyperparameters).toMatchObject({ ...asked.params, n_estimators: 20 });
    // one trial at a time, the adopted one too
    const spans = jobs.map((j: Json) => [Date.parse(j.startedAt), Date.parse(j.finishedAt)]).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    const optuna = await optunaTrials(created.body.id);
    expect(optuna.map((t) => `${t.number}:${t.state}`)).toEqual([...numbers, partial].sort((x, y) => x - y).map((n) => `${n}:${n === partial ? 'FAIL' : 'COMPLETE'}`));
    const messages = [fixture.hub, ...workers].flatMap((p) => p.logs).map((l) => l.msg);
    expect(messages.some((m) => m.includes(`trial ${asked.number} was asked but never recorded`) && m.endsWith('running it now'))).toBe(true);
    expect(messages.some((m) => m.includes(`trial ${partial} was asked but never recorded`) && m.endsWith('its parameters were not all sampled'))).toBe(true);
  }, 180_000);

  it('is offered to MCP clients and on the command line', async () => {
    const client = new Client({ name: 'hpo-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    const status = await client.callTool({ name: 'ml__study_status', arguments: { name: 'tpe' } });
    expect(JSON.parse((status.content as { text: string }[])[0].text)).toMatchObject({ name: 'tpe', status: 'completed', adapter: 'sklearn', counts: { total: TRIALS } });
    const started = await client.callTool({
      name: 'ml__start_study',
      // a float grid whose step does not divide the range: 0.4, 0.65, 0.9
      arguments: { name: 'mcp-study', job: { ...BASE_JOB, hyperparameters: { n_estimators: 20 } }, searchSpace: { subsample: { type: 'float', low: 0.4, high: 1, step: 0.25 } }, objective: { metric: 'f1_macro' }, sampler: 'grid', maxTrials: 10 },
    });
    expect(JSON.parse((started.content as { text: string }[])[0].text)).toMatchObject({ name: 'mcp-study', status: 'running', maxTrials: 3 });
    await client.close();

    const cli = (args: string[]) => new NodeProcess('dist/src/cli/main.js', { HUB_URL: fixture.hub.url('') }, args);
    const waited = cli(['hpo', 'status', 'mcp-study', '--wait']);
    expect((await waited.exited).code).toBe(0);
    expect(waited.stdout.join('\n')).toMatch(/trials +│? *3\/3: 3 complete, 0 pruned, 0 failed/);
    const grid = await study('mcp-study');
    expect(grid.trials.map((t: Json) => t.params.subsample).sort()).toEqual([0.4, 0.65, 0.9]);
    expect(grid.counts).toMatchObject({ complete: 3, failed: 0 });
    const best = cli(['hpo', 'best', 'tpe']);
    expect((await best.exited).code).toBe(0);
    expect(JSON.parse(best.stdout.join('\n'))).toMatchObject({ study: 'tpe', status: 'completed', objective: { metric: 'accuracy' } });
  });
});
