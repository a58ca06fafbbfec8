import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeIrisRows } from '../test/support/iris-rows';
import { HubProcess, NodeProcess, ROOT, sleep } from '../test/support/hub-process';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../test/support/test-database';
import { BenchRow, report, deleteRedisKeys } from './support';

/**
 * Batch prediction: rows/s and peak RSS of a batch job over 100k and 1M generated Iris-like rows
 * with an sklearn random forest, in a fresh `npm run worker` process per size; beside the baseline
 * from the same run: the same adapter code predicting the same file in chunks with no hub
 * (bench/batch_baseline.py: pandas reads chunks, the serving module predicts, CSV out).
 * Both are measured warm: the worker first runs a 150-row job (its Python serving pool starts and
 * loads the model; that cold start is reported on its own), and the baseline's clock starts after
 * its imports and the model load.
 * Targets: the hub's rows/s at least 50% of the baseline's; the worker's peak RSS at 1M rows within
 * 100 MB of its peak at 100k rows.
 */
const SIZES = (process.env.BENCH_BATCH_ROWS ?? '100000,1000000').split(',').map(Number);
const CHUNK = Number(process.env.BENCH_BATCH_CHUNK ?? 5000);
const PYTHON = process.env.PYTHON_BIN ?? '/usr/bin/python3';
const run = promisify(execFile);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** Peak and current resident memory of a process, in MB, from /proc. */
async function memoryOf(pid: number): Promise<{ peakMb: number; rssMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function post(hub: HubProcess, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(hub.url(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

async function waitFor(hub: HubProcess, path: string, done: (body: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(hub.url(path))).json()) as Record<string, unknown>;
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`${path} not done after ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await sleep(200);
  }
}

interface Measured {
  rows: number;
  seconds: number;
  peakMb: number;
  pythonPeakMb?: number;
  coldStartSeconds?: number;
  rssByQuarter?: number[];
}

async function runJob(hub: HubProcess, databaseUrl: string, dataset: string, idColumn?: string): Promise<{ id: string; rows: number; seconds: number }> {
  const job = await post(hub, '/api/ml/batch-predictions', { model: 'bench-iris', input: { datasetId: dataset }, output: { format: 'csv' }, ...(idColumn ? { idColumn } : {}), chunkSize: CHUNK });
  const done = await waitFor(hub, `/api/ml/batch-predictions/${job.id as string}`, (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status as string), 3_600_000);
  if (done.status !== 'succeeded') throw new Error(`batch job ${done.status as string}: ${done.error as string}`);
  const [{ seconds }] = await queryDatabase<{ seconds: number }>(databaseUrl, 'SELECT extract(epoch FROM finished_at - started_at) AS seconds FROM mcp_hub.batch_predictions WHERE id = $1', [job.id]);
  return { id: job.id as string, rows: done.rowsDone as number, seconds: Number(seconds) };
}

/** One batch job over `dataset` in a fresh worker process: rows/s from the job's own start and finish times, the worker's peak RSS. */
async function hubRun(hub: HubProcess, env: Record<string, string>, databaseUrl: string, dataset: string): Promise<Measured> {
  // the flags `npm run worker` starts it with
  const worker = new NodeProcess('dist/src/worker.js', { ...env, NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS ?? '--max-semi-space-size=4' });
  try {
    await worker.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg), 60_000);
    let pythonPeakMb = 0;
    // the worker's resident memory by quarter of the measured job: flat memory shows as flat quarters
    const rssByQuarter = [0, 0, 0, 0];
    let sampling = true;
    let measuring = false;
    const sampler = (async () => {
      while (sampling) {
        const children = childrenOf(worker.pid);
        const total = (await Promise.all(children.map((pid) => memoryOf(pid).catch(() => ({ rssMb: 0, peakMb: 0 }))))).reduce((sum, m) => sum + m.rssMb, 0);
        pythonPeakMb = Math.max(pythonPeakMb, total);
        if (measuring) {
          const [running] = await queryDatabase<{ done: string; total: string }>(databaseUrl, `SELECT rows_done AS done, rows_total AS total FROM mcp_hub.batch_predictions WHERE status = 'running'`);
          if (running) {
            const quarter = Math.min(3, Math.floor((4 * Number(running.done)) / Number(running.total)));
            rssByQuarter[quarter] = Math.max(rssByQuarter[quarter], (await memoryOf(worker.pid)).rssMb);
          }
        }
        await sleep(250);
      }
    })();
    const cold = await runJob(hub, databaseUrl, 'iris');
    measuring = true;
    const measured = await runJob(hub, databaseUrl, dataset, 'id');
    const { peakMb } = await memoryOf(worker.pid);
    sampling = false;
    await sampler;
    return { rows: measured.rows, seconds: measured.seconds, peakMb, pythonPeakMb, coldStartSeconds: cold.seconds, rssByQuarter: rssByQuarter.map((mb) => round(mb)) };
  } finally {
    worker.signal('SIGTERM');
    await worker.exited;
  }
}

async function baselineRun(modelFile: string, sha256: string, input: string, output: string): Promise<Measured> {
  const { stdout } = await run(PYTHON, [join(__dirname, 'batch_baseline.py'), modelFile, sha256, input, output, String(CHUNK)], { env: { ...process.env, PYTHONPATH: join(ROOT, 'python') }, maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { rows: number; seconds: number; peakRssMb: number };
  return { rows: result.rows, seconds: result.seconds, peakMb: result.peakRssMb };
}

async function main(): Promise<void> {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `bench-batch-${process.pid}:`;
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-batch-data-'));
  const artifactsDir = await mkdtemp(join(tmpdir(), 'bench-batch-artifacts-'));
  const env = { DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, PYTHON_BIN: PYTHON, DATA_DIR: dataDir, ARTIFACTS_DIR: artifactsDir, LOG_LEVEL: 'info', TELEMETRY_CONSUMER_ENABLED: 'false', MCP_SERVERS_CONFIG: '/nonexistent/servers.json' };
  const hub = await HubProcess.start({ ...env, BATCH_WORKER_ENABLED: 'false', DATASET_MAX_UPLOAD_MB: '1024' });
  try {
    console.log('training the model: sklearn random_forest (100 trees) on Iris');
    await copyFile(join(ROOT, 'data', 'sample.csv'), join(dataDir, 'iris.csv'));
    await post(hub, '/api/ml/datasets', { uri: `local://${join(dataDir, 'iris.csv')}`, name: 'iris' });
    const trained = await post(hub, '/api/ml/training-jobs', { adapter: 'sklearn', algorithm: 'random_forest', dataset: 'iris', target: 'species', registerAs: 'bench-iris', hyperparameters: { n_estimators: 100 } });
    await waitFor(hub, `/api/ml/training-jobs/${trained.id as string}`, (j) => j.status === 'succeeded' && (j.registeredVersions as unknown[]).length === 1, 300_000);
    await post(hub, '/api/ml/models/bench-iris/versions/1/stage', { stage: 'Production' });
    const version = (await (await fetch(hub.url('/api/ml/models/bench-iris/versions/1'))).json()) as { artifactKey: string; artifactSha256: string };
    const modelFile = join(artifactsDir, version.artifactKey);

    const rows: BenchRow[] = [];
    const results: Record<string, unknown> = {};
    for (const size of SIZES) {
      const file = join(dataDir, `rows-${size}.csv`);
      console.log(`generating ${size} rows (${file})`);
      await writeIrisRows(file, size, { seed: size });
      await post(hub, '/api/ml/datasets', { uri: `local://${file}`, name: `rows-${size}` });
      console.log(`baseline: the adapter predicting ${size} rows in chunks of ${CHUNK}, no hub`);
      const baseline = await baselineRun(modelFile, version.artifactSha256, file, join(dataDir, `baseline-${size}.csv`));
      console.log(`hub: a batch job over ${size} rows in a fresh worker process`);
      const measured = await hubRun(hub, env, databaseUrl, `rows-${size}`);
      const baselineRate = baseline.rows / baseline.seconds;
      const hubRate = measured.rows / measured.seconds;
      rows.push(
        { subject: `baseline: adapter alone, ${size} rows (after imports and model load)`, rows: baseline.rows, seconds: round(baseline.seconds, 2), 'rows/s': Math.round(baselineRate), 'peak RSS MB': round(baseline.peakMb), 'vs baseline': 1 },
        {
          subject: `hub batch job, ${size} rows (warm worker)`,
          rows: measured.rows,
          seconds: round(measured.seconds, 2),
          'rows/s': Math.round(hubRate),
          'peak RSS MB': round(measured.peakMb),
          'RSS by quarter MB': (measured.rssByQuarter ?? []).join(' / '),
          'python pool RSS MB': round(measured.pythonPeakMb ?? 0),
          'vs baseline': round(hubRate / baselineRate, 2),
        },
      );
      results[size] = {
        baselineRowsPerSecond: baselineRate,
        hubRowsPerSecond: hubRate,
        ratio: hubRate / baselineRate,
        hubPeakRssMb: measured.peakMb,
        pythonPoolPeakRssMb: measured.pythonPeakMb,
        baselinePeakRssMb: baseline.peakMb,
        coldStartJobSeconds: measured.coldStartSeconds,
        workerRssMbByQuarterOfJob: measured.rssByQuarter,
        inputBytes: (await stat(file)).size,
      };
      await rm(file, { force: true });
      await rm(join(dataDir, `baseline-${size}.csv`), { force: true });
    }
    const [small, large] = SIZES.map((size) => results[size] as { ratio: number; hubPeakRssMb: number });
    report('batch', rows, {
      chunkRows: CHUNK,
      sizes: SIZES,
      targets: { ratio: '>= 0.5 of the baseline rows/s', rssGrowthMb: '<= 100 MB from the smallest to the largest run' },
      minRatio: round(Math.min(...SIZES.map((size) => (results[size] as { ratio: number }).ratio)), 3),
      ...(large ? { rssGrowthMb: round(large.hubPeakRssMb - small.hubPeakRssMb) } : {}),
      results,
    });
  } finally {
    hub.signal('SIGTERM');
    await hub.exited;
    await dropDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
    await rm(artifactsDir, { recursive: true, force: true });
    await deleteRedisKeys(prefix);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
