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
 * Both models are Node random forests, served in-process. Drift checks are not built yet.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

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
  const hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, DATA_DIR: dataDir, ARTIFACTS_DIR: join(dataDir, 'artifacts') });
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
    report('explain', results, { runs: RUNS });
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
