import { makeSplits } from './split';

describe('makeSplits', () => {
  const labels = [...Array(30).fill(0), ...Array(30).fill(1), ...Array(30).fill(2)] as number[];

  it('holds out the asked fraction of every class, the same way for the same seed', () => {
    const [split] = makeSplits(90, { holdout: 0.2 }, 7, labels);
    expect(split.test).toHaveLength(18);
    expect(split.train).toHaveLength(72);
    for (const c of [0, 1, 2]) expect(split.test.filter((i) => labels[i] === c)).toHaveLength(6);
    expect(new Set([...split.train, ...split.test]).size).toBe(90);
    expect(makeSplits(90, { holdout: 0.2 }, 7, labels)).toEqual([split]);
    expect(makeSplits(90, { holdout: 0.2 }, 8, labels)[0].test).not.toEqual(split.test);
  });

  it('puts every row in exactly one test fold', () => {
    const folds = makeSplits(90, { folds: 5 }, 1, labels);
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(tested).toEqual(Array.from({ length: 90 }, (_, i) => i));
    for (const fold of folds) {
      expect(fold.test).toHaveLength(18);
      expect(fold.train.length + fold.test.length).toBe(90);
      expect(fold.test.filter((i) => labels[i] === 0)).toHaveLength(6);
    }
  });
});
