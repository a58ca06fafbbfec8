import { Preprocessor } from './preprocessing';

describe('Preprocessor', () => {
  it('standardises numbers with training statistics and one-hot encodes categories', () => {
    const prep = Preprocessor.fit(
      [
        [1, 'a'],
        [3, 'b'],
        [null, 'a'],
      ],
      [
        { name: 'x', type: 'number' },
        { name: 'c', type: 'category' },
      ],
    );
    expect(prep.transform([[1, 'b'], [null, 'zzz'], [5, null]])).toEqual([
      [-1, 0, 1],
      [0, 0, 0],
      [3, 0, 0],
    ]);
    expect(Preprocessor.load(JSON.parse(JSON.stringify(prep))).transform([[3, 'a']])).toEqual([[1, 1, 0]]);
  });
});

describe('gaussianNbProbabilities', () => {
  it('uses every feature of a fitted ml-naivebayes model', () => {
    const { GaussianNB } = jest.requireActual<typeof import('ml-naivebayes')>('ml-naivebayes');
    const { gaussianNbProbabilities } = jest.requireActual<typeof import('./node-models')>('./node-models');
    const model = new GaussianNB();
    // The classes differ only in the third feature.
    const x = [[0, 0, -1], [0.1, 0.1, -1.1], [0, 0.1, -0.9], [0, 0, 1], [0.1, 0.1, 1.1], [0.1, 0, 0.9]];
    model.train(x, [0, 0, 0, 1, 1, 1]);
    const p = gaussianNbProbabilities(model.toJSON() as never, [[0.05, 0.05, -1], [0.05, 0.05, 1]]);
    expect(p[0][0]).toBeGreaterThan(0.99);
    expect(p[1][1]).toBeGreaterThan(0.99);
    expect(p[0][0] + p[0][1]).toBeCloseTo(1, 10);
  });
});
