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
