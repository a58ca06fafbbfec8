import Redis from 'ioredis';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchRow {
  subject: string;
  [metric: string]: string | number;
}

/** Prints rows as a table and writes them (with the run's context) to bench/results/<name>.json. */
export function report(name: string, rows: BenchRow[], context: Record<string, unknown> = {}): void {
  console.table(rows);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...context, rows }, null, 2));
  console.log(`wrote ${file}`);
}

export const median = (values: number[]) => percentile(values, 50);

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/**
 * Times `count` sequential calls of each subject, taking turns call by call (in a rotating order) so
 * every subject sees the same machine conditions. Returns one sample array (ms) per subject.
 */
export async function timeTakingTurns(subjects: (() => Promise<unknown>)[], count: number, warmup = 100): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const call of subjects) await call();
  const samples = subjects.map(() => [] as number[]);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < subjects.length; k++) {
      const index = (i + k) % subjects.length;
      const started = performance.now();
      await subjects[index]();
      samples[index].push(performance.now() - started);
    }
  }
  return samples;
}

export function summary(subject: string, samples: number[]) {
  return {
    subject,
    calls: samples.length,
    'median ms': Number(median(samples).toFixed(3)),
    'p99 ms': Number(percentile(samples, 99).toFixed(3)),
    'mean ms': Number((samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(3)),
  };
}

/** Deletes the Redis keys a benchmark's hub wrote under its own prefix. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
