import { Validation } from '../adapter-protocol';
import { seededRandom, shuffled } from './seeded-random';

export interface Split {
  train: number[];
  test: number[];
}

/**
 * Row indices for a holdout or k folds. With `strata` (class labels) every class is spread over the
 * parts in proportion, as scikit-learn's stratified splitters do.
 */
export function makeSplits(rowCount: number, validation: Validation, seed: number, strata?: readonly number[]): Split[] {
  const random = seededRandom(seed);
  const parts = 'folds' in validation ? validation.folds : 0;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rowCount; i++) {
    const key = strata ? strata[i] : 0;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  if (parts === 0) {
    const fraction = (validation as { holdout: number }).holdout;
    const test: number[] = [];
    const train: number[] = [];
    for (const rows of groups.values()) {
      const order = shuffled(rows, random);
      const take = Math.max(1, Math.round(order.length * fraction));
      test.push(...order.slice(0, take));
      train.push(...order.slice(take));
    }
    return [{ train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) }];
  }
  const foldOf = new Array<number>(rowCount);
  let offset = 0;
  for (const rows of groups.values()) {
    shuffled(rows, random).forEach((row, i) => (foldOf[row] = (i + offset) % parts));
    offset += rows.length;
  }
  return Array.from({ length: parts }, (_, fold) => ({
    train: foldOf.flatMap((f, row) => (f === fold ? [] : [row])),
    test: foldOf.flatMap((f, row) => (f === fold ? [row] : [])),
  }));
}
