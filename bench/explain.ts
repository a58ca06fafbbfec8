import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubApi } from '../test/support/hub-api';
import { HubProcess } from '../test/support/hub-process';
import { trainAndRegister } from '../test/support/ml';
import { dropDatabase, freshDatabaseUrl } from '../test/support/test-database';
import { BenchRow, deleteRedisKeys, median, report } from './support';

/**
 * Local explanation latency through the hub, beside the model's own prediction of the same rows in
 * one call (the floor: an explanation is that many model runs plus the arithmetic):
 * - one row of a 10-feature model, exact enumeration (1,024 coalitions × 50 background rows);
 * - one row of a 30-feature model, 1,000 sampled permutations (31,000 coalitions × 10 background rows).
 * Both models are Node random forests, served in-process.
 * And a drift report of 20 numeric columns × 100k reference × 100k current rows through the hub vs the
 * same statistics computed by a plain scipy script on the same files: seconds and peak RSS (target 2×).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DRIFT_ROWS = Number(process.env.BENCH_DRIFT_ROWS ?? 100_000);
const PYTHON = process.env.PYTHON_BIN ?? '/usr/bin/python3';

/** The baseline: the same files, the same statistics (large samples: Wasserstein over the std, PSI over deciles), scipy and numpy alone. */
const SCIPY_ALONE = `
import json, resource, sys, time
import numpy as np, pandas as pd
from scipy import stats
started = time.perf_counter()
ref, cur = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
drifted = 0
for c in ref.columns:
    r, k = ref[c].dropna().to_numpy(dtype=float), cur[c].dropna().to_numpy(dtype=float)
    w = stats.wasserstein_distance(r, k) / max(float(np.std(r)), 0.001)
    edges = np.unique(np.quantile(r, np.linspace(0, 1, 11)))
    edges[0], edges[-1] = min(edges[0], k.min()), max(edges[-1], k.max())
    rs = np.maximum(np.histogram(r, edges)[0] / len(r), 0.0001)
    ks = np.maximum(np.histogram(k, edges)[0] / len(k), 0.0001)
    psi = float(np.sum((ks - rs) * np.log(ks / rs)))
    drifted += int(w >= 0.1)
print(json.dumps({"seconds": time.perf_counter() - started, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "drifted": drifted}))
`;

function rows(features: number, count: number): string {
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const names = Array.from({ length: features }, (_, i) => `f${i}`);
  const lines = [[...names, 'y'].join(',')];
  for (let r = 0; r < count; r++) {
    const x = names.map(() => random());
    lines.push([...x.map((v) => v.toFixed(4)), (x[0] + 2 * x[1] - x[2] + 0.1 * random()).toFixed(4)].join(','));
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `bench-explain-${process.pid}:`;
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-explain-'));
  const hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, DATA_DIR: dataDir, ARTIFACTS_DIR: join(dataDir, 'artifacts'), PYTHON_BIN: PYTHON });
  const api = new HubApi(hub);
  const results: BenchRow[] = [];
  try {
    for (const [features, method, body] of [
      [10, 'exact', { method: 'exact', background: { size: 50 } }],
      [30, 'sampled', { method: 'sampled', permutations: 1000, background: { size: 10 } }],
    ] as const) {
      const name = `wide-${features}`;
      await writeFile(join(dataDir, `${name}.csv`), rows(features, 500));
      const registered = await api.send('POST', '/api/ml/datasets', { uri: `local://${join(dataDir, `${name}.csv`)}`, name });
      if (registered.status !== 201) throw new Error(`register: ${JSON.stringify(registered.body)}`);
      await trainAndRegister(api, name, { adapter: 'node', algorithm: 'random_forest', dataset: name, target: 'y', hyperparameters: { n_estimators: 20 } });
      const row = Object.fromEntries(Array.from({ length: features }, (_, i) => [`f${i}`, 0.5]));
      const explain = async () => {
        const started = performance.now();
        const answer = await api.send('POST', `/api/ml/models/${name}/explain`, { instances: [row], ...body });
        if (answer.status !== 200) throw new Error(`explain: ${JSON.stringify(answer.body)}`);
        return performance.now() - started;
      };
      await explain(); // loads the model and draws the background
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await explain());
      const coalitions = method === 'exact' ? 2 ** features : 1000 * (features + 1);
      const modelRows = coalitions * body.background.size;
      // the floor: the model alone on that many rows, in one predict call of SERVING_MAX_ROWS-sized chunks
      const chunk = Array.from({ length: 1000 }, () => row);
      const floorStarted = performance.now();
      for (let done = 0; done < modelRows; done += chunk.length) {
        const answer = await api.send('POST', `/api/ml/models/${name}/predict?ref=latest`, { instances: chunk });
        if (answer.status !== 200) throw new Error(`predict: ${JSON.stringify(answer.body)}`);
      }
      const floorMs = performance.now() - floorStarted;
      results.push({ subject: `${features} features, ${method}`, 'model rows': modelRows, 'explain p50 ms': Math.round(median(times)), 'same rows through predict ms': Math.round(floorMs), 'vs predict': Number((median(times) / floorMs).toFixed(2)) });
    }
    // drift: 20 columns × 100k × 100k; the current data shifts its first five columns
    const columnNames = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const table = (shift: number, seed: number) => {
      let state = seed;
      const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const lines = [columnNames.join(',')];
      for (let r = 0; r < DRIFT_ROWS; r++) lines.push(columnNames.map((_, i) => (random() + (i < 5 ? shift : 0)).toFixed(5)).join(','));
      return `${lines.join('\n')}\n`;
    };
    for (const [name, shift, seed] of [['drift-reference', 0, 11], ['drift-current', 0.2, 12]] as const) {
      await writeFile(join(dataDir, `${name}.csv`), table(shift, seed));
      const registered = await api.send('POST', '/api/ml/datasets', { uri: `local://${join(dataDir, `${name}.csv`)}`, name });
      if (registered.status !== 201) throw new Error(`register: ${JSON.stringify(registered.body)}`);
    }
    // the first report also hashes each dataset once (every read checks it); time a second one as well
    const first = performance.now();
    await api.send('POST', '/api/ml/drift/report', { reference: { dataset: 'drift-reference' }, current: { dataset: 'drift-current' } });
    const firstSeconds = (performance.now() - first) / 1000;
    const started = performance.now();
    const drift = await api.send('POST', '/api/ml/drift/report', { reference: { dataset: 'drift-reference' }, current: { dataset: 'drift-current' } });
    const hubSeconds = (performance.now() - started) / 1000;
    if (drift.status !== 200) throw new Error(`drift: ${JSON.stringify(drift.body)}`);
    // the script as a user would run it: interpreter start and imports included, as the hub's check pays them
    const scriptStarted = performance.now();
    const scipyAlone = JSON.parse(
      execFileSync(PYTHON, ['-c', SCIPY_ALONE, join(dataDir, 'drift-reference.csv'), join(dataDir, 'drift-current.csv')], { encoding: 'utf8' }),
    ) as { seconds: number; peakRssMb: number; drifted: number };
    const scriptSeconds = (performance.now() - scriptStarted) / 1000;
    results.push({ subject: 'drift: scipy alone, the statistics only (after imports and reading)', 'model rows': 0, seconds: Number(scipyAlone.seconds.toFixed(2)) });
    results.push({ subject: 'drift: scipy alone as a script (start, imports, read, statistics)', 'model rows': 0, seconds: Number(scriptSeconds.toFixed(2)), 'peak RSS MB': Math.round(scipyAlone.peakRssMb), drifted: scipyAlone.drifted });
    results.push({
      subject: 'drift report through the hub (20 columns × 100k × 100k)',
      'model rows': 0,
      seconds: Number(hubSeconds.toFixed(2)),
      'peak RSS MB': Math.round(drift.body.check.peakRssMb),
      drifted: drift.body.drifted.length,
      'vs scipy s': Number((hubSeconds / scriptSeconds).toFixed(2)),
      'vs scipy RSS': Number((drift.body.check.peakRssMb / scipyAlone.peakRssMb).toFixed(2)),
      'first report s': Number(firstSeconds.toFixed(2)),
      target: '≤ 2×',
    });
    report('explain', results, { runs: RUNS, driftRows: DRIFT_ROWS });
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
