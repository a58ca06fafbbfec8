import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startAdapter } from '../src/ml/adapters/adapter-process';
import { AdapterSpec } from '../src/ml/adapters/adapter-protocol';
import { optunaStorageUrl } from '../src/ml/hpo/optuna-client';
import { HubApi } from '../test/support/hub-api';
import { HubProcess, sleep } from '../test/support/hub-process';
import { dropDatabase, freshDatabaseUrl } from '../test/support/test-database';
import { BenchRow, deleteRedisKeys, median, report } from './support';

/**
 * Hyper-parameter search overhead, beside baselines measured in the same run:
 * - Optuna alone: ask and tell of trivial trials (the objective is a formula) with TPE on the same
 *   RDB storage in the same PostgreSQL, in one Python process;
 * - the trial's work alone: the Node adapter training the same small model, spawned directly;
 * - the hub: a study of the same trials (node/knn on the iris sample, k from 1 to 30) with maxParallel 2,
 *   each trial a training job on BullMQ with its run, artifact and events.
 * The floor per trial at maxParallel 2 is (adapter alone + Optuna alone) / 2; the hub's overhead is
 * its time per trial above that.
 */
const TRIALS = Number(process.env.BENCH_TRIALS ?? 40);
const PARALLEL = 2;
const PYTHON = process.env.PYTHON_BIN ?? '/usr/bin/python3';
const run = promisify(execFile);

const OPTUNA_ALONE = `
import sys, time, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
storage, n = sys.argv[1], int(sys.argv[2])
study = optuna.create_study(study_name="bench-optuna-alone", storage=storage, direction="maximize", sampler=optuna.samplers.TPESampler(seed=1))
distributions = {"k": optuna.distributions.IntDistribution(1, 30)}
started = time.perf_counter()
for _ in range(n):
    trial = study.ask(distributions)
    study.tell(trial, 1.0 / (1 + abs(trial.params["k"] - 7)))
print(time.perf_counter() - started)
`;

async function adapterAlone(runs: number): Promise<number[]> {
  const outputDir = await mkdtemp(join(tmpdir(), 'bench-hpo-adapter-'));
  const spec: AdapterSpec = {
    framework: 'node',
    algorithm: 'knn',
    task: 'classification',
    dataset: { path: join(__dirname, '..', 'data', 'sample.csv'), format: 'csv' },
    target: 'species',
    features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    hyperparameters: { k: 5 },
    validation: { holdout: 0.2 },
    seed: 42,
    outputDir,
  };
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const exit = await startAdapter('node', spec, PYTHON, () => undefined).exited;
    if (exit.code !== 0) throw new Error(`node adapter exited ${exit.code}: ${exit.stderrTail.join(' | ')}`);
    times.push(performance.now() - started);
  }
  await rm(outputDir, { recursive: true, force: true });
  return times;
}

async function main(): Promise<void> {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `bench-hpo-${process.pid}:`;
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-hpo-'));
  const hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, ARTIFACTS_DIR: join(dataDir, 'artifacts'), PYTHON_BIN: PYTHON, TRAINING_CONCURRENCY: String(PARALLEL) });
  const api = new HubApi(hub);
  try {
    const registered = await api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    if (registered.status !== 201) throw new Error(`register: ${JSON.stringify(registered.body)}`);

    console.log(`Optuna alone: ${TRIALS} trivial trials, TPE, RDB storage`);
    const { stdout } = await run(PYTHON, ['-c', OPTUNA_ALONE, optunaStorageUrl(databaseUrl), String(TRIALS)], { env: { ...process.env } });
    const optunaSeconds = Number(stdout.trim());

    console.log(`the trial's work alone: ${TRIALS} node adapter runs`);
    const adapter = await adapterAlone(TRIALS);

    console.log(`the hub: a study of ${TRIALS} trials, maxParallel ${PARALLEL}`);
    const started = performance.now();
    const created = await api.send('POST', '/api/ml/studies', {
      name: 'bench',
      job: { adapter: 'node', algorithm: 'knn', dataset: 'iris', target: 'species' },
      searchSpace: { k: { type: 'int', low: 1, high: 30 } },
      objective: { metric: 'accuracy' },
      maxTrials: TRIALS,
      maxParallel: PARALLEL,
    });
    if (created.status !== 201) throw new Error(`study: ${JSON.stringify(created.body)}`);
    let study = created.body;
    while (!study.finishedAt) {
      await sleep(100);
      study = (await api.get('/api/ml/studies/bench')).body;
    }
    const hubSeconds = (performance.now() - started) / 1000;
    if (study.counts.complete !== TRIALS) throw new Error(`study ended ${study.status} with ${JSON.stringify(study.counts)}`);

    const perMinute = (seconds: number) => Number(((TRIALS / seconds) * 60).toFixed(1));
    const optunaMs = (optunaSeconds * 1000) / TRIALS;
    const adapterMs = median(adapter);
    const floorMs = (adapterMs + optunaMs) / PARALLEL;
    const hubMs = (hubSeconds * 1000) / TRIALS;
    const rows: BenchRow[] = [
      { subject: 'Optuna alone (ask + tell, TPE, RDB storage)', trials: TRIALS, 'trials/min': perMinute(optunaSeconds), 'ms/trial': Number(optunaMs.toFixed(1)) },
      { subject: "the trial's work alone (node adapter, knn)", trials: TRIALS, 'trials/min': Number((60_000 / adapterMs).toFixed(1)), 'ms/trial': Number(adapterMs.toFixed(1)) },
      { subject: `floor at maxParallel ${PARALLEL}: (adapter + Optuna) / ${PARALLEL}`, trials: TRIALS, 'trials/min': Number((60_000 / floorMs).toFixed(1)), 'ms/trial': Number(floorMs.toFixed(1)) },
      { subject: `hub study (maxParallel ${PARALLEL})`, trials: TRIALS, 'trials/min': perMinute(hubSeconds), 'ms/trial': Number(hubMs.toFixed(1)), 'overhead ms/trial': Number((hubMs - floorMs).toFixed(1)) },
    ];
    // where a trial's time goes, from its training job's record
    const jobs = await Promise.all((study.trials as { jobId: string }[]).map(async (t) => (await api.get(`/api/ml/training-jobs/${t.jobId}`)).body as { createdAt: string; startedAt: string; finishedAt: string }));
    const at = (text: string) => Date.parse(text);
    const queued = jobs.map((j) => at(j.createdAt)).sort((a, b) => a - b);
    const finished = jobs.map((j) => at(j.finishedAt)).sort((a, b) => a - b);
    const phases = {
      'queued → started ms': median(jobs.map((j) => at(j.startedAt) - at(j.createdAt))),
      'started → finished ms': median(jobs.map((j) => at(j.finishedAt) - at(j.startedAt))),
      // the k-th job queued after the first PARALLEL starts when the (k-PARALLEL)-th finished
      'finished → next queued ms': median(queued.slice(PARALLEL).map((c, i) => c - finished[i])),
    };
    console.log('a trial, median:', phases);
    report('hpo', rows, { trials: TRIALS, maxParallel: PARALLEL, best: study.best?.value ?? null, phases });
  } finally {
    await hub.stop();
    await deleteRedisKeys(prefix);
    await dropDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
