import { execFileSync } from 'node:child_process';
import { HubApi } from './hub-api';
import { Json } from './http';
import { sleep } from './hub-process';

/** The interpreter that has Debian's python3-sklearn, python3-torch and python3-pandas (`npm test` checks it first: scripts/python-stack.js). */
export const PYTHON_BIN = process.env.TEST_PYTHON_BIN ?? process.env.PYTHON_BIN ?? '/usr/bin/python3';

/**
 * The ML tests train real models: fail early, saying what to install, when the interpreter lacks
 * Debian's scientific stack (`bash .ci/run` installs it).
 */
export function assertPythonStack(): void {
  try {
    execFileSync(PYTHON_BIN, ['-c', 'import numpy, pandas, sklearn, torch'], { stdio: 'pipe' });
  } catch {
    throw new Error(`${PYTHON_BIN} cannot import numpy, pandas, sklearn and torch: apt-get install python3-sklearn python3-torch python3-pandas (or set TEST_PYTHON_BIN to an interpreter that has them)`);
  }
}

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** Polls GET /api/ml/training-jobs/:id until predicate holds. */
export async function waitForJob(api: HubApi, id: string, predicate: (job: Json) => boolean = (job) => ['succeeded', 'failed', 'cancelled'].includes(job.status), timeoutMs = 120_000): Promise<Json> {
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
