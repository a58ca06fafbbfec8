import { summarise, VariantAggregate } from './ab-results';
import { proportionSampleSize, sampleRatioMismatch, twoProportionZTest, welchTTest } from './ab-statistics';
import type { AbVariant } from './ab-test.entity';

const variants = (...weights: number[]): AbVariant[] => weights.map((weight, i) => ({ name: i === 0 ? 'control' : `t${i}`, ref: String(i + 1), version: i + 1, weight }));
const proportion = (assigned: number, outcomes: number, successes: number): VariantAggregate => ({ assigned, outcomes, sum: successes, mean: outcomes ? successes / outcomes : null, variance: null });

describe('A/B results', () => {
  it('compares every treatment with the control at alpha split over the treatments', () => {
    const results = summarise(
      { metricKind: 'proportion', alpha: 0.05, power: 0.8, minimumDetectableEffect: 0.05, variants: variants(50, 25, 25) },
      new Map([
        ['control', proportion(1000, 950, 95)],
        ['t1', proportion(500, 480, 70)],
        ['t2', proportion(500, 470, 45)],
      ]),
    );
    expect(results.comparisonAlpha).toBe(0.025);
    const [control, t1, t2] = results.variants;
    expect(control).toMatchObject({ control: true, n: 1000, outcomes: 950, successes: 95, rate: 0.1, comparison: null, interval: { method: 'wilson', level: 0.95 } });
    const expected = twoProportionZTest({ successes: 95, n: 950 }, { successes: 70, n: 480 }, 0.025)!;
    expect(t1.comparison).toMatchObject({ against: 'control', method: 'two-proportion z-test (pooled)', pValue: expected.pValue, significant: expected.pValue < 0.025, interval: { level: 0.975 } });
    expect(t2.comparison).toMatchObject({ significant: false });
    // half as many treatment units per control unit: the control needs more than an even split would ask
    const perControl = proportionSampleSize(0.1, 0.05, 0.025, 0.8, 0.5)!;
    expect(control.sampleSize).toEqual({ required: perControl, remaining: perControl - 950 });
    expect(t1.sampleSize).toEqual({ required: Math.ceil(perControl * 0.5), remaining: Math.max(0, Math.ceil(perControl * 0.5) - 480) });
    expect(results.sampleSizeNote).toBeNull();
    expect(results.sampleRatioMismatch).toMatchObject({ mismatch: false, expected: { control: 1000, t1: 500, t2: 500 } });
  });

  it("a mean metric gets t intervals and Welch's test; standard deviations from the variances", () => {
    const results = summarise(
      { metricKind: 'mean', alpha: 0.05, power: 0.9, minimumDetectableEffect: 2, variants: variants(1, 1) },
      new Map([
        ['control', { assigned: 120, outcomes: 100, sum: 4000, mean: 40, variance: 64 }],
        ['t1', { assigned: 118, outcomes: 90, sum: 3870, mean: 43, variance: 100 }],
      ]),
    );
    const [control, t1] = results.variants;
    expect(control).toMatchObject({ mean: 40, standardDeviation: 8, interval: { method: 't' } });
    const welch = welchTTest({ mean: 40, variance: 64, n: 100 }, { mean: 43, variance: 100, n: 90 }, 0.05)!;
    expect(t1.comparison).toMatchObject({ method: "Welch's t-test", statistic: welch.statistic, df: welch.df, pValue: welch.pValue, difference: 3, relativeDifference: 3 / 40 });
    expect(t1.sampleSize!.required).toBeGreaterThan(t1.outcomes);
    expect(results.warnings.some((w) => w.startsWith('t1 needs '))).toBe(true);
  });

  it('flags a sample-ratio mismatch with a warning', () => {
    const results = summarise(
      { metricKind: 'proportion', alpha: 0.05, power: 0.8, minimumDetectableEffect: null, variants: variants(1, 1) },
      new Map([
        ['control', proportion(5200, 5000, 500)],
        ['t1', proportion(4800, 4700, 480)],
      ]),
    );
    expect(results.sampleRatioMismatch).toMatchObject({ mismatch: true, pValue: sampleRatioMismatch([5200, 4800], [1, 1])!.pValue, threshold: 0.001 });
    expect(results.warnings[0]).toMatch(/^sample-ratio mismatch/);
  });

  it('warns against peeking when no sample size is planned, and says what decides significance', () => {
    const data = new Map([
      ['control', proportion(1000, 950, 95)],
      ['t1', proportion(1000, 960, 130)],
    ]);
    const unplanned = summarise({ metricKind: 'proportion', alpha: 0.05, power: 0.8, minimumDetectableEffect: null, variants: variants(1, 1) }, data);
    expect(unplanned.warnings).toEqual([expect.stringMatching(/^no planned sample size .*peeking/)]);
    expect(unplanned.variants[1].comparison).toMatchObject({ decidedBy: expect.stringContaining("pooled z-test's p-value") });
    const planned = summarise({ metricKind: 'proportion', alpha: 0.05, power: 0.8, minimumDetectableEffect: 0.05, variants: variants(1, 1) }, data);
    expect(planned.warnings.some((w) => w.includes('peeking'))).toBe(false);

    const means = summarise(
      { metricKind: 'mean', alpha: 0.05, power: 0.8, minimumDetectableEffect: null, variants: variants(1, 1) },
      new Map([
        ['control', { assigned: 120, outcomes: 100, sum: 4000, mean: 40, variance: 64 }],
        ['t1', { assigned: 118, outcomes: 90, sum: 3870, mean: 43, variance: 100 }],
      ]),
    );
    expect(means.variants[1].comparison).toMatchObject({ decidedBy: expect.stringContaining('excludes 0 exactly when') });
  });

  it('passes on how the sample-ratio check was made: the exact test and its note at small expected counts', () => {
    const results = summarise(
      { metricKind: 'proportion', alpha: 0.05, power: 0.8, minimumDetectableEffect: 0.05, variants: variants(1, 99) },
      new Map([
        ['control', proportion(5, 5, 1)],
        ['t1', proportion(95, 90, 9)],
      ]),
    );
    expect(results.sampleRatioMismatch).toMatchObject({ method: 'exact binomial', mismatch: false, note: expect.stringContaining('exact binomial'), expected: { control: 1, t1: 99 } });
    expect(results.warnings.some((w) => w.startsWith('sample-ratio mismatch'))).toBe(false);
  });

  it('says why there is no sample size or no comparison yet', () => {
    const noPlan = summarise({ metricKind: 'proportion', alpha: 0.05, power: 0.8, minimumDetectableEffect: null, variants: variants(1, 1) }, new Map());
    expect(noPlan.sampleSizeNote).toMatch(/minimumDetectableEffect/);
    expect(noPlan.variants.map((v) => [v.n, v.outcomes, v.rate, v.interval, v.sampleSize])).toEqual([
      [0, 0, null, null, null],
      [0, 0, null, null, null],
    ]);
    expect(noPlan.variants[1].comparison).toMatchObject({ reason: expect.stringContaining('outcomes in both') });
    expect(noPlan.sampleRatioMismatch).toBeNull();

    const noBaseline = summarise({ metricKind: 'mean', alpha: 0.05, power: 0.8, minimumDetectableEffect: 1, variants: variants(1, 1) }, new Map([['control', { assigned: 3, outcomes: 1, sum: 5, mean: 5, variance: null }]]));
    expect(noBaseline.sampleSizeNote).toMatch(/two outcomes/);
    expect(noBaseline.variants[1].comparison).toMatchObject({ reason: expect.stringContaining('two outcomes') });
  });
});
