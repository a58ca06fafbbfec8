import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubApi } from './hub-api';
import { Json } from './http';
import { sleep } from './hub-process';

/** The interpreter that has Debian's python3-sklearn, python3-torch and python3-pandas (`npm test` checks it first: scripts/python-stack.js). */
export const PYTHON_BIN = process.env.TEST_PYTHON_BIN ?? process.env.PYTHON_BIN ?? '/usr/bin/python3';

/**
 * The ML tests train real models: fail early, saying what to install, when the interpreter lacks
 * Debian's scientific stack (`bash .ci/run` installs it). Checked once per Jest run (importing torch
 * takes seconds): the first suite leaves a marker (test/support/global-setup.js names the run).
 */
export function assertPythonStack(): void {
  const run = process.env.MCP_HUB_TEST_RUN;
  const marker = run ? join(tmpdir(), `mcp-hub-python-stack-${run}`) : undefined;
  if (marker && existsSync(marker)) return;
  try {
    execFileSync(PYTHON_BIN, ['-c', 'import numpy, pandas, sklearn, torch'], { stdio: 'pipe' });
    if (marker) writeFileSync(marker, PYTHON_BIN);
  } catch {
    throw new Error(`${PYTHON_BIN} cannot import numpy, pandas, sklearn and torch: apt-get install python3-sklearn python3-torch python3-pandas (or set TEST_PYTHON_BIN to an interpreter that has them)`);
  }
}

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** Polls GET /api/ml/training-jobs/:id until predicate holds. */
export async function waitForJob(api: HubApi, id: string, predicate: (job: Json) => boolean = (job) => ['succeeded', 'failed', 'cancelled', 'pruned'].includes(job.status), timeoutMs = 120_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let job: Json;
  while (Date.now() < deadline) {
    job = (await api.get(`/api/ml/training-jobs/${id}`)).body;
    if (predicate(job)) return job;
    await sleep(100);
  }
  throw new Error(`training job ${id} never matched; last: ${JSON.stringify(job)}`);
}

export async function submitJob(api: HubApi, body: Record<string, unknown>): Promise<Json> {
  const response = await api.send('POST', '/api/ml/training-jobs', body);
  if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Direct children of a process whose command line matches pattern. */
export function childPids(parent: number, pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parent), '-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Trains a model (waits for the job), registers it as `name` and, unless told otherwise, promotes it to Production. */
export async function trainAndRegister(api: HubApi, name: string, job: Record<string, unknown>, stage: string | null = 'Production'): Promise<{ job: Json; version: number }> {
  const done = await waitForJob(api, (await submitJob(api, job)).id);
  if (done.status !== 'succeeded') throw new Error(`training job for ${name} ended ${done.status}: ${done.error}`);
  const registered = await api.send('POST', `/api/ml/models/${name}/versions`, { jobId: done.id });
  if (registered.status !== 201) throw new Error(`register ${name} answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  const version = registered.body.version as number;
  if (stage) {
    const moved = await api.send('POST', `/api/ml/models/${name}/versions/${version}/stage`, { stage });
    if (moved.status !== 200 && moved.status !== 201) throw new Error(`stage ${name}/${version} answered ${moved.status}: ${JSON.stringify(moved.body)}`);
  }
  return { job: done, version };
}

/**
 * What a stored Python model file predicts for rows when a plain script loads it (pickle or
 * torch.load) and calls it directly: labels mapped through the file's classes, probabilities per class.
 */
export async function predictWithPythonFile(path: string, rows: Record<string, unknown>[]): Promise<{ predictions: (string | number)[]; probabilities: Record<string, number>[] | null }> {
  const script = `
import json, pickle, sys
import numpy as np
import pandas as pd
path, rows = sys.argv[1], json.load(sys.stdin)
frame = pd.DataFrame(rows)
if path.endswith(".pt"):
    import torch
    saved = torch.load(path, weights_only=False)
    prediction, proba = saved["model"].predict(saved["preprocessor"].transform(frame))
    columns = list(range(proba.shape[1])) if proba is not None else None
else:
    with open(path, "rb") as f:
        saved = pickle.load(f)
    pipeline = saved["pipeline"]
    prediction = pipeline.predict(frame)
    proba = pipeline.predict_proba(frame) if saved["classes"] is not None and hasattr(pipeline, "predict_proba") else None
    columns = list(pipeline.classes_) if proba is not None else None
classes = saved["classes"]
if classes is None:
    out = {"predictions": [float(v) for v in prediction], "probabilities": None}
else:
    out = {"predictions": [classes[int(v)] for v in prediction],
           "probabilities": None if proba is None else [{classes[int(c)]: float(p) for c, p in zip(columns, row)} for row in proba]}
print(json.dumps(out))
`;
  // the torch file pickles the adapter's model class: the package must be importable
  return pythonJson(['-c', script, path], rows, { PYTHONPATH: 'python' });
}

/**
 * Runs PYTHON_BIN with JSON on stdin and parses the JSON it prints. Not execFileSync: while Python
 * starts (seconds, importing torch) the test's event loop must run, or a keep-alive connection the hub
 * closes meanwhile is taken for the next request ("other side closed").
 */
export async function pythonJson<T>(args: string[], input: unknown, env: Record<string, string> = {}): Promise<T> {
  const child = spawn(PYTHON_BIN, args, { env: { ...process.env, ...env } });
  const [out, err]: Buffer[][] = [[], []];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.end(JSON.stringify(input));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${PYTHON_BIN} exited with ${code}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`);
  return JSON.parse(Buffer.concat(out).toString('utf8')) as T;
}

/** Rows of a CSV in data/ as objects (numbers where the text is a number). */
export function csvRows(text: string): Record<string, string | number>[] {
  const [header, ...lines] = text.trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell !== '' && !Number.isNaN(Number(cell)) ? Number(cell) : cell])));
}

/**
 * A generated table with a category column (region), a boolean (member) and numbers; churn is the
 * classification target, spend a regression one. Deterministic.
 */
export function customersCsv(rows: number): string {
  let seed = 12345;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const regions = ['north', 'south', 'east'];
  const lines = ['age,region,member,visits,spend,churn'];
  for (let i = 0; i < rows; i++) {
    const age = 20 + Math.floor(random() * 50);
    const region = regions[Math.floor(random() * 3)];
    const member = random() < 0.5;
    const visits = Math.floor(random() * 20);
    const spend = Math.round((age * 2 + (region === 'north' ? 50 : 0) + visits * 3 + random() * 10) * 100) / 100;
    const churn = (visits < 6 && !member) || random() < 0.1 ? 'yes' : 'no';
    lines.push([age, region, member, visits, spend, churn].join(','));
  }
  return `${lines.join('\n')}\n`;
}
