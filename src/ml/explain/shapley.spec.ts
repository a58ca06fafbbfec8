import { seededRandom } from '../adapters/node/seeded-random';
import { Row, shapleyValues } from './shapley';

const features = ['a', 'b', 'c'];
const background: Row[] = [
  { a: 0, b: 1, c: 2 },
  { a: 2, b: 3, c: 0 },
  { a: 4, b: 2, c: 1 },
];
const evaluateWith = (f: (r: Row) => number) => async (rows: Row[]) => rows.map(f);
const options = (method: 'exact' | 'sampled', permutations = 2000) => ({ method, permutations, random: seededRandom(7), chunkRows: 7 });
const mean = (feature: string) => background.reduce((sum, b) => sum + (b[feature] as number), 0) / background.length;

describe('shapleyValues', () => {
  it('on a linear model is coefficient × (x − mean of the background), exactly, and sums to the output', async () => {
    const linear = (r: Row) => 2 * (r.a as number) - 3 * (r.b as number) + 0.5 * (r.c as number) + 1;
    const x = { a: 5, b: -1, c: 4 };
    for (const method of ['exact', 'sampled'] as const) {
      const result = await shapleyValues(x, features, background, evaluateWith(linear), options(method, 10));
      expect(result.contributions.a).toBeCloseTo(2 * (5 - mean('a')), 12);
      expect(result.contributions.b).toBeCloseTo(-3 * (-1 - mean('b')), 12);
      expect(result.contributions.c).toBeCloseTo(0.5 * (4 - mean('c')), 12);
      expect(result.value).toBe(linear(x));
      expect(result.baseValue + Object.values(result.contributions).reduce((s, v) => s + v, 0)).toBeCloseTo(result.value, 12);
    }
  });

  it('splits an interaction evenly, and sampling comes close to exact enumeration', async () => {
    const interaction = (r: Row) => ((r.a as number) > 1 && (r.b as number) > 1 ? 10 : 0) + (r.c as number) ** 2;
    const x = { a: 3, b: 3, c: 3 };
    const exact = await shapleyValues(x, features, background, evaluateWith(interaction), options('exact'));
    const sampled = await shapleyValues(x, features, background, evaluateWith(interaction), options('sampled'));
    for (const feature of features) expect(Math.abs(sampled.contributions[feature] - exact.contributions[feature])).toBeLessThan(0.05);
    expect(exact.evaluations).toBe(8 * background.length);
    const sum = (r: typeof exact) => r.baseValue + Object.values(r.contributions).reduce((s, v) => s + v, 0);
    expect(sum(exact)).toBeCloseTo(interaction(x), 12);
    expect(sum(sampled)).toBeCloseTo(interaction(x), 12);
  });
});
