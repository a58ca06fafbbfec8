import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Mean and spread of each Iris feature per species, so generated rows look like the real ones. */
const SPECIES: Record<string, [number, number][]> = {
  setosa: [
    [5.0, 0.35],
    [3.4, 0.38],
    [1.46, 0.17],
    [0.25, 0.1],
  ],
  versicolor: [
    [5.9, 0.52],
    [2.8, 0.31],
    [4.26, 0.47],
    [1.33, 0.2],
  ],
  virginica: [
    [6.6, 0.64],
    [3.0, 0.32],
    [5.55, 0.55],
    [2.03, 0.27],
  ],
};
const NAMES = Object.keys(SPECIES);

/** A small seeded generator (mulberry32): the same seed writes the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const irisId = (n: number) => `s-${String(n).padStart(7, '0')}`;

/**
 * Writes `rows` Iris-like rows (id, the four measurements; species too when asked) as CSV or JSON
 * Lines, streamed, so a million rows cost no memory. Row n (1-based) has id irisId(n).
 */
export async function writeIrisRows(path: string, rows: number, options: { seed?: number; format?: 'csv' | 'jsonl'; species?: boolean } = {}): Promise<void> {
  const next = random(options.seed ?? 42);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const out = createWriteStream(path);
  const csv = (options.format ?? 'csv') === 'csv';
  if (csv) out.write(`id,sepal_length,sepal_width,petal_length,petal_width${options.species ? ',species' : ''}\n`);
  for (let n = 1; n <= rows; n++) {
    const species = NAMES[Math.floor(next() * NAMES.length)];
    const [sl, sw, pl, pw] = SPECIES[species].map(([mean, sd]) => Math.max(0.1, mean + sd * gaussian()).toFixed(1));
    const line = csv
      ? `${irisId(n)},${sl},${sw},${pl},${pw}${options.species ? `,${species}` : ''}\n`
      : `${JSON.stringify({ id: irisId(n), sepal_length: Number(sl), sepal_width: Number(sw), petal_length: Number(pl), petal_width: Number(pw), ...(options.species ? { species } : {}) })}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
