import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNodeModel } from '../src/ml/adapters/node/node-models';
import { Preprocessor } from '../src/ml/adapters/node/preprocessing';
import { startHub, stopChild } from './hub-runner';
import { median, percentile, report } from './support';

/**
 * Online predictions: single-row latency (p50/p99, one client) and rows/s with 32 concurrent clients
 * sending one row each, for a node random forest and an sklearn random forest on Iris, through the
 * hub (POST /api/ml/models/{name}/predict) against two baselines from the same run: the model's
 * predict called in-process in a tight loop (the limit) and a minimal HTTP server wrapping that same
 * predict with no batching (the serving floor: bench/inference-floor.ts, bench/inference-floor.py).
 * Targets: hub single-row p50 within 1.5× the floor's; with 32 clients hub rows/s ≥ 2× the floor's.
 * The hub runs as `npm start` does, with LOG_LEVEL=warn (the floors log nothing either); BENCH_ONLY=node|sklearn
 * runs one model, BENCH_HUB_ENV='{"VAR":"value"}' adds hub variables, BENCH_REQUESTS and BENCH_LOAD_SECONDS size the runs.
 */
const PYTHON = process.env.PYTHON_BIN ?? '/usr/bin/python3';
const SEQUENTIAL = Number(process.env.BENCH_REQUESTS ?? 400);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 6);
const CLIENTS = 32;
const ROW = { sepal_length: 6.1, sepal_width: 2.8, petal_length: 4.7, petal_width: 1.2 };
const BODY = JSON.stringify({ instances: [ROW] });
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/** POSTs the one-row body over a keep-alive socket of its own; resolves with the status. */
function poster(url: string): () => Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  return () =>
    new Promise((resolve, reject) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(BODY);
    });
}

/** One client, requests one after the other, the two servers taking turns request by request. */
async function sequential(urls: string[]): Promise<number[][]> {
  const posts = urls.map(poster);
  for (let i = 0; i < 50; i++) for (const post of posts) await post();
  const samples = urls.map(() => [] as number[]);
  for (let i = 0; i < SEQUENTIAL; i++) {
    for (let k = 0; k < posts.length; k++) {
      const index = (i + k) % posts.length;
      const started = performance.now();
      const status = await posts[index]();
      if (status !== 200) throw new Error(`${urls[index]} answered ${status}`);
      samples[index].push(performance.now() - started);
    }
  }
  return samples;
}

/** CLIENTS concurrent clients for LOAD_SECONDS: rows/s and the latency they saw. */
async function underLoad(url: string): Promise<{ rowsPerSecond: number; latencies: number[]; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const deadline = performance.now() + LOAD_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const post = poster(url);
      while (performance.now() < deadline) {
        const t = performance.now();
        const status = await post();
        if (status === 200) latencies.push(performance.now() - t);
        else failed++;
      }
    }),
  );
  return { rowsPerSecond: latencies.length / ((performance.now() - started) / 1000), latencies, failed };
}

async function spawnReady(command: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      const match = /ready (\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, port };
}

async function api(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

async function trainAndPromote(base: string, name: string, job: Record<string, unknown>): Promise<void> {
  const { id } = (await api(base, 'POST', '/ml/training-jobs', job)) as { id: string };
  for (;;) {
    const state = (await api(base, 'GET', `/ml/training-jobs/${id}`)) as { status: string; error?: string };
    if (state.status === 'succeeded') break;
    if (['failed', 'cancelled'].includes(state.status)) throw new Error(`training ${name} ${state.status}: ${state.error}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await api(base, 'POST', `/ml/models/${name}/versions`, { jobId: id });
  await api(base, 'POST', `/ml/models/${name}/versions/1/stage`, { stage: 'Production' });
}

function inProcessNode(path: string, count: number): number[] {
  const file = JSON.parse(readFileSync(path, 'utf8')) as { algorithm: string; features: { name: string }[]; preprocessing: { features: never[] }; model: unknown };
  const preprocessor = Preprocessor.load(file.preprocessing);
  const model = loadNodeModel(file.algorithm, 'classification', file.model);
  const row = file.features.map((f) => ROW[f.name as keyof typeof ROW]);
  const timings: number[] = [];
  for (let i = 0; i < count + 200; i++) {
    const started = performance.now();
    model.predict(preprocessor.transform([row]));
    if (i >= 200) timings.push(performance.now() - started);
  }
  return timings;
}

function inProcessPython(path: string, sha: string, count: number): number[] {
  const out = execFileSync(PYTHON, [join(__dirname, 'inference-floor.py'), 'loop', path, sha, JSON.stringify(ROW), String(count)], { env: { ...process.env, PYTHONPATH: join(__dirname, '..', 'python') }, encoding: 'utf8' });
  return (JSON.parse(out) as { ms: number[] }).ms.slice(50);
}

async function main(): Promise<void> {
  const hub = await startHub([], { PYTHON_BIN: PYTHON, LOG_LEVEL: 'warn', ...(JSON.parse(process.env.BENCH_HUB_ENV ?? '{}') as Record<string, string>) });
  const base = `http://127.0.0.1:${hub.port}/api`;
  const dir = await mkdtemp(join(tmpdir(), 'bench-inference-'));
  const floors: ChildProcess[] = [];
  try {
    await api(base, 'POST', '/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    console.log('training a node random forest (50 trees) and an sklearn random forest (100 trees) on Iris');
    await trainAndPromote(base, 'iris-node', { dataset: 'iris', target: 'species', adapter: 'node', algorithm: 'random_forest', seed: 1 });
    await trainAndPromote(base, 'iris-sklearn', { dataset: 'iris', target: 'species', adapter: 'sklearn', algorithm: 'random_forest', seed: 1 });

    const rows: Record<string, string | number>[] = [];
    const context: Record<string, unknown> = { clients: CLIENTS, loadSeconds: LOAD_SECONDS, sequentialRequests: SEQUENTIAL, cpus: (await import('node:os')).cpus().length };
    const only = process.env.BENCH_ONLY;
    for (const [name, runtime] of ([['iris-node', 'node'], ['iris-sklearn', 'sklearn']] as const).filter(([, r]) => !only || r === only)) {
      const version = (await api(base, 'GET', `/ml/models/${name}/versions/1`)) as { artifactKey: string; artifactSha256: string };
      const bytes = Buffer.from(await (await fetch(`${base}/ml/models/${name}/versions/1/artifact`)).arrayBuffer());
      const path = join(dir, version.artifactKey.split('/').pop()!);
      await writeFile(path, bytes);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const floor =
        runtime === 'node'
          ? await spawnReady(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'inference-floor.ts'), path])
          : await spawnReady(PYTHON, [join(__dirname, 'inference-floor.py'), 'serve', path, sha], { PYTHONPATH: join(__dirname, '..', 'python') });
      floors.push(floor.child);
      const hubUrl = `${base}/ml/models/${name}/predict`;
      const floorUrl = `http://127.0.0.1:${floor.port}/predict`;
      console.log(`${name}: in-process loop, ${SEQUENTIAL} sequential requests each, then ${CLIENTS} clients for ${LOAD_SECONDS} s each`);
      const loop = runtime === 'node' ? inProcessNode(path, 5000) : inProcessPython(path, sha, 1000);
      const [hubSingle, floorSingle] = await sequential([hubUrl, floorUrl]);
      const floorLoad = await underLoad(floorUrl);
      const hubLoad = await underLoad(hubUrl);
      if (hubLoad.failed || floorLoad.failed) throw new Error(`failed requests under load: hub ${hubLoad.failed}, floor ${floorLoad.failed}`);
      const loopMean = loop.reduce((a, b) => a + b, 0) / loop.length;
      rows.push(
        { subject: `${runtime}: predict in-process, tight loop (limit)`, 'p50 ms': round(median(loop), 3), 'p99 ms': round(percentile(loop, 99), 3), 'rows/s': Math.round(1000 / loopMean), 'load p50 ms': '', 'load p99 ms': '' },
        { subject: `${runtime}: minimal HTTP server, no batching (floor)`, 'p50 ms': round(median(floorSingle)), 'p99 ms': round(percentile(floorSingle, 99)), 'rows/s': Math.round(floorLoad.rowsPerSecond), 'load p50 ms': round(median(floorLoad.latencies)), 'load p99 ms': round(percentile(floorLoad.latencies, 99)) },
        { subject: `${runtime}: hub POST /predict`, 'p50 ms': round(median(hubSingle)), 'p99 ms': round(percentile(hubSingle, 99)), 'rows/s': Math.round(hubLoad.rowsPerSecond), 'load p50 ms': round(median(hubLoad.latencies)), 'load p99 ms': round(percentile(hubLoad.latencies, 99)) },
      );
      const latencyRatio = median(hubSingle) / median(floorSingle);
      const throughputRatio = hubLoad.rowsPerSecond / floorLoad.rowsPerSecond;
      context[runtime] = { hubP50OverFloor: round(latencyRatio), hubRowsPerSecondOverFloor: round(throughputRatio), latencyTargetMet: latencyRatio <= 1.5, throughputTargetMet: throughputRatio >= 2 };
      console.log(`${runtime}: hub single-row p50 = ${latencyRatio.toFixed(2)}× the floor's (target ≤ 1.5×); hub rows/s with ${CLIENTS} clients = ${throughputRatio.toFixed(2)}× the floor's (target ≥ 2×)`);
      await stopChild(floor.child);
    }
    report('inference', rows as never, context);
  } finally {
    for (const child of floors) await stopChild(child);
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
