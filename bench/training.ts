import { Job, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAdapter } from '../src/ml/adapters/adapter-process';
import { AdapterSpec } from '../src/ml/adapters/adapter-protocol';
import { HubProcess, NodeProcess } from '../test/support/hub-process';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../test/support/test-database';
import { median, percentile, report, deleteRedisKeys } from './support';

/**
 * Training queue: queue-to-start latency of 200 small jobs with 2 `npm run worker` processes
 * (submitted while a worker is free, and as one burst), jobs/s, and the adapter start-up cost per
 * job; beside baselines from the same run: a bare BullMQ queue with a no-op processor on the same
 * Redis, and bare interpreter start-up. Target: queue-to-start p50 under 50 ms.
 */
const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const PYTHON = process.env.PYTHON_BIN ?? '/usr/bin/python3';
const SMALL_JOB = { adapter: 'node', algorithm: 'knn', dataset: 'iris', target: 'species' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Number(n.toFixed(1));

function latencyRow(subject: string, samples: number[], extra: Record<string, number> = {}) {
  return { subject, jobs: samples.length, 'p50 ms': round(median(samples)), 'p99 ms': round(percentile(samples, 99)), ...extra };
}

async function bareBullMq(prefix: string): Promise<{ paced: number[]; burstJobsPerSecond: number }> {
  const connection = () => new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new Queue('bench-raw', { connection: connection(), prefix: `${prefix}bull` });
  const done = new Map<string, () => void>();
  const workers = [0, 1].map(
    () =>
      new Worker('bench-raw', async (job: Job) => job.id, { connection: connection(), prefix: `${prefix}bull`, concurrency: 1 }).on('completed', (job) => done.get(job.id!)?.()),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const paced: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    const finished = new Promise<void>((resolve) => done.set(`p${i}`, resolve));
    const added = await queue.add('noop', {}, { jobId: `p${i}` });
    await finished;
    const job = (await Job.fromId(queue, added.id!))!;
    paced.push(job.processedOn! - job.timestamp);
  }
  const started = performance.now();
  const all = Array.from({ length: JOBS }, (_, i) => new Promise<void>((resolve) => done.set(`b${i}`, resolve)));
  await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: {}, opts: { jobId: `b${i}` } })));
  await Promise.all(all);
  const burstJobsPerSecond = JOBS / ((performance.now() - started) / 1000);
  await Promise.all(workers.map((w) => w.close()));
  await queue.obliterate({ force: true });
  await queue.close();
  return { paced, burstJobsPerSecond };
}

async function hubJobs(hub: HubProcess, databaseUrl: string): Promise<{ paced: number[]; pacedJobsPerSecond: number; burst: number[]; burstJobsPerSecond: number }> {
  const post = async (body: unknown) => (await fetch(hub.url('/api/ml/training-jobs'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<{ id: string }>;
  const finished = async () => Number((await queryDatabase<{ n: string }>(databaseUrl, `SELECT count(*) AS n FROM mcp_hub.training_jobs WHERE status IN ('succeeded','failed','cancelled')`))[0].n);
  const startLatencies = async (ids: string[]) =>
    (await queryDatabase<{ ms: number }>(databaseUrl, `SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms FROM mcp_hub.training_jobs WHERE id = ANY($1)`, [ids])).map((r) => Number(r.ms));

  // Paced: a job is submitted only while a worker is free, so the latency is dispatch, not backlog.
  const pacedIds: string[] = [];
  let started = performance.now();
  for (let i = 0; i < JOBS; i++) {
    while (pacedIds.length - (await finished()) >= 2) await sleep(2);
    pacedIds.push((await post(SMALL_JOB)).id);
  }
  while ((await finished()) < JOBS) await sleep(20);
  const pacedJobsPerSecond = JOBS / ((performance.now() - started) / 1000);

  const burstIds: string[] = [];
  started = performance.now();
  for (let i = 0; i < JOBS; i++) burstIds.push((await post(SMALL_JOB)).id);
  while ((await finished()) < 2 * JOBS) await sleep(20);
  const burstJobsPerSecond = JOBS / ((performance.now() - started) / 1000);
  const failed = await queryDatabase(databaseUrl, `SELECT id, error FROM mcp_hub.training_jobs WHERE status <> 'succeeded'`);
  if (failed.length) throw new Error(`${failed.length} bench jobs did not succeed: ${JSON.stringify(failed.slice(0, 3))}`);
  return { paced: await startLatencies(pacedIds), pacedJobsPerSecond, burst: await startLatencies(burstIds), burstJobsPerSecond };
}

/** Spawn → first event (the adapter is up and reading its spec) and spawn → exit, per adapter. */
async function adapterStartup(adapter: 'node' | 'sklearn' | 'torch', runs: number): Promise<{ firstEvent: number[]; total: number[] }> {
  const outputDir = await mkdtemp(join(tmpdir(), 'bench-adapter-'));
  const spec: AdapterSpec = {
    framework: adapter,
    algorithm: adapter === 'torch' ? 'mlp' : 'knn',
    task: 'classification',
    dataset: { path: join(__dirname, '..', 'data', 'sample.csv'), format: 'csv' },
    target: 'species',
    features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    hyperparameters: adapter === 'torch' ? { epochs: 1 } : {},
    validation: { holdout: 0.2 },
    seed: 1,
    outputDir,
  };
  const firstEvent: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    let first = 0;
    const child = startAdapter(adapter, spec, PYTHON, () => (first ||= performance.now() - started));
    const exit = await child.exited;
    if (exit.code !== 0) throw new Error(`${adapter} adapter exited ${exit.code}: ${exit.stderrTail.join(' | ')}`);
    firstEvent.push(first);
    total.push(performance.now() - started);
  }
  await rm(outputDir, { recursive: true, force: true });
  return { firstEvent, total };
}

function bareStart(command: string, args: string[], runs: number): number[] {
  return Array.from({ length: runs }, () => {
    const started = performance.now();
    spawnSync(command, args);
    return performance.now() - started;
  });
}

async function main(): Promise<void> {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `bench-training-${process.pid}:`;
  const env = { DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, PYTHON_BIN: PYTHON, LOG_LEVEL: 'warn', TELEMETRY_CONSUMER_ENABLED: 'false', MCP_SERVERS_CONFIG: '/nonexistent/servers.json' };
  const hub = await HubProcess.start({ ...env, LOG_LEVEL: 'info', TRAINING_WORKER_ENABLED: 'false' });
  const workers = [0, 1].map(() => new NodeProcess('dist/src/worker.js', { ...env, LOG_LEVEL: 'info', TRAINING_CONCURRENCY: '1' }, []));
  try {
    await Promise.all(workers.map((w) => w.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg))));
    await fetch(hub.url('/api/ml/datasets'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uri: 'local://data/sample.csv', name: 'iris' }) });

    console.log(`bare BullMQ: ${JOBS} paced + ${JOBS} burst no-op jobs, 2 workers`);
    const raw = await bareBullMq(prefix);
    console.log(`hub: ${JOBS} paced + ${JOBS} burst node/knn jobs on Iris, 2 worker processes`);
    const jobs = await hubJobs(hub, databaseUrl);
    console.log('adapter start-up: 20 node, 10 sklearn, 5 torch runs');
    const node = await adapterStartup('node', 20);
    const sklearn = await adapterStartup('sklearn', 10);
    const torch = await adapterStartup('torch', 5);
    const bareNode = bareStart(process.execPath, ['-e', '0'], 20);
    const barePython = bareStart(PYTHON, ['-c', '0'], 10);

    report(
      'training',
      [
        latencyRow('baseline: bare BullMQ queue→start (paced)', raw.paced, { 'jobs/s': round(raw.burstJobsPerSecond) }),
        latencyRow('hub: POST → job started (paced, a worker free)', jobs.paced, { 'jobs/s': round(jobs.pacedJobsPerSecond) }),
        latencyRow(`hub: POST → job started (burst of ${JOBS})`, jobs.burst, { 'jobs/s': round(jobs.burstJobsPerSecond) }),
        latencyRow('baseline: node -e 0 (spawn → exit)', bareNode),
        latencyRow('node adapter: spawn → first event', node.firstEvent, { 'whole job p50 ms': round(median(node.total)) }),
        latencyRow('baseline: python3 -c 0 (spawn → exit)', barePython),
        latencyRow('sklearn adapter: spawn → first event', sklearn.firstEvent, { 'whole job p50 ms': round(median(sklearn.total)) }),
        latencyRow('torch adapter: spawn → first event', torch.firstEvent, { 'whole job p50 ms': round(median(torch.total)) }),
      ],
      { jobs: JOBS, workers: 2, target: 'queue-to-start p50 < 50 ms', pacedQueueToStartP50Ms: round(median(jobs.paced)) },
    );
  } finally {
    for (const worker of workers) {
      worker.signal('SIGTERM');
      await worker.exited;
    }
    hub.signal('SIGTERM');
    await hub.exited;
    await dropDatabase(databaseUrl);
    await deleteRedisKeys(prefix);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
