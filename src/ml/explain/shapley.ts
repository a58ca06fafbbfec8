import { shuffled } from '../adapters/node/seeded-random';

export type Row = Record<string, unknown>;

/** The model's output (a number per row: a class probability, or the regression value) for rows. */
export type Evaluate = (rows: Row[]) => Promise<number[]>;

export interface ShapleyOptions {
  method: 'exact' | 'sampled';
  /** sampled: how many permutations (an even number: each is used with its reverse). */
  permutations: number;
  random: () => number;
  /** At most this many rows per call of evaluate. */
  chunkRows: number;
}

export interface ShapleyValues {
  /** v(∅): the mean output over the background. */
  baseValue: number;
  /** v(all features): the output for the row itself. */
  value: number;
  contributions: Record<string, number>;
  /** Rows the model was run on. */
  evaluations: number;
}

/** Exact enumeration visits 2^M coalitions: past this many features it is sampled. */
export const MAX_EXACT_FEATURES = 10;

/**
 * Shapley values of one row's model output, with the interventional value function of KernelSHAP:
 * v(S) = mean over background rows b of f(row's values for S, b's for the rest). Then
 * base value v(∅) + Σ contributions = v(all) = f(row) (efficiency), exactly in both methods.
 *
 * - exact: φᵢ = Σ_{S ⊆ N∖{i}} |S|!(M−|S|−1)!/M! · (v(S ∪ {i}) − v(S)) over all 2^M coalitions
 *   (Shapley 1953; Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions").
 * - sampled: φᵢ is the mean of v(Pre_π(i) ∪ {i}) − v(Pre_π(i)) over random permutations π, each with
 *   its reverse (antithetic), as in Štrumbelj & Kononenko 2014, "Explaining prediction models and
 *   individual predictions with feature contributions". Each permutation's differences telescope to
 *   v(N) − v(∅), so efficiency holds for every estimate.
 * Coalitions are evaluated once each (a map by membership), in chunks of whole background blocks.
 */
export async function shapleyValues(row: Row, features: string[], background: Row[], evaluate: Evaluate, options: ShapleyOptions): Promise<ShapleyValues> {
  const m = features.length;
  const walks = options.method === 'exact' ? [] : permutationWalks(m, options.permutations, options.random);
  const coalitions = options.method === 'exact' ? allCoalitions(m) : [...new Set(walks.flat())];
  const values = await coalitionValues(row, features, background, coalitions, evaluate, options.chunkRows);
  const empty = '0'.repeat(m);
  const full = '1'.repeat(m);
  const phi = new Array<number>(m).fill(0);
  if (options.method === 'exact') {
    const weight = coalitionWeights(m);
    for (const coalition of coalitions) {
      const size = countMembers(coalition);
      for (let i = 0; i < m; i++) {
        if (coalition[i] === '1') continue;
        phi[i] += weight[size] * (values.get(withMember(coalition, i))! - values.get(coalition)!);
      }
    }
  } else {
    for (const walk of walks) {
      for (let k = 1; k < walk.length; k++) {
        const added = firstDifference(walk[k - 1], walk[k]);
        phi[added] += values.get(walk[k])! - values.get(walk[k - 1])!;
      }
    }
    for (let i = 0; i < m; i++) phi[i] /= walks.length;
  }
  return {
    baseValue: values.get(empty)!,
    value: values.get(full)!,
    contributions: Object.fromEntries(features.map((feature, i) => [feature, phi[i]])),
    evaluations: coalitions.length * background.length,
  };
}

/** Every coalition of m features as a membership string ('1' = the row's value, '0' = the background's). */
function allCoalitions(m: number): string[] {
  return Array.from({ length: 2 ** m }, (_, mask) => Array.from({ length: m }, (_unused, i) => ((mask >> i) & 1 ? '1' : '0')).join(''));
}

/** |S|!(M−|S|−1)!/M! for |S| = 0 … M−1. */
function coalitionWeights(m: number): number[] {
  const factorial = [1];
  for (let i = 1; i <= m; i++) factorial.push(factorial[i - 1] * i);
  return Array.from({ length: m }, (_, size) => (factorial[size] * factorial[m - size - 1]) / factorial[m]);
}

/** The coalitions along each permutation, from none to all; permutations come in (π, reverse π) pairs. */
function permutationWalks(m: number, permutations: number, random: () => number): string[][] {
  const indices = Array.from({ length: m }, (_, i) => i);
  const walks: string[][] = [];
  for (let p = 0; p < permutations / 2; p++) {
    const order = shuffled(indices, random);
    for (const sequence of [order, [...order].reverse()]) {
      const members = new Array<string>(m).fill('0');
      const walk = [members.join('')];
      for (const i of sequence) {
        members[i] = '1';
        walk.push(members.join(''));
      }
      walks.push(walk);
    }
  }
  return walks;
}

async function coalitionValues(row: Row, features: string[], background: Row[], coalitions: string[], evaluate: Evaluate, chunkRows: number): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  const perChunk = Math.max(1, Math.floor(chunkRows / background.length));
  for (let start = 0; start < coalitions.length; start += perChunk) {
    const batch = coalitions.slice(start, start + perChunk);
    const rows = batch.flatMap((coalition) => background.map((b) => Object.fromEntries(features.map((feature, i) => [feature, coalition[i] === '1' ? row[feature] : b[feature]]))));
    const outputs = await evaluate(rows);
    batch.forEach((coalition, c) => {
      let sum = 0;
      for (let k = 0; k < background.length; k++) sum += outputs[c * background.length + k];
      values.set(coalition, sum / background.length);
    });
  }
  return values;
}

const countMembers = (coalition: string) => coalition.split('').filter((c) => c === '1').length;
const withMember = (coalition: string, i: number) => `${coalition.slice(0, i)}1${coalition.slice(i + 1)}`;

function firstDifference(a: string, b: string): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
