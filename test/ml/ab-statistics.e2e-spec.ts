import { meanInterval, proportionSampleSize, meanSampleSize, sampleRatioMismatch, twoProportionZTest, welchTTest, wilsonInterval } from '../../src/ml/ab-tests/ab-statistics';
import { fixedSample, moments, scipy } from '../support/scipy';

const SCRIPT = String.raw`
import json, sys, math
from scipy import stats
data = json.load(sys.stdin)
alpha = data['alpha']
out = {'z': [], 'welch': [], 'srm': [], 'srmExact': [], 'wilson': [], 'tinterval': [], 'proportionSize': [], 'meanSize': []}
q = stats.norm.ppf(1 - alpha / 2)
for x1, n1, x2, n2 in data['z']:
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    half = q * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    out['z'].append({'statistic': z, 'pValue': 2 * stats.norm.sf(abs(z)), 'low': p2 - p1 - half, 'high': p2 - p1 + half})
for control, treatment in data['welch']:
    r = stats.ttest_ind(treatment, control, equal_var=False)
    vc = stats.tvar(control) / len(control)
    vt = stats.tvar(treatment) / len(treatment)
    df = (vc + vt) ** 2 / (vc ** 2 / (len(control) - 1) + vt ** 2 / (len(treatment) - 1))
    d = sum(treatment) / len(treatment) - sum(control) / len(control)
    half = stats.t.ppf(1 - alpha / 2, df) * math.sqrt(vc + vt)
    out['welch'].append({'statistic': float(r.statistic), 'pValue': float(r.pvalue), 'df': df, 'low': d - half, 'high': d + half})
for counts, weights in data['srm']:
    expected = [sum(counts) * w / sum(weights) for w in weights]
    r = stats.chisquare(counts, expected)
    out['srm'].append({'chiSquare': float(r.statistic), 'pValue': float(r.pvalue)})
for counts, weights in data['srmExact']:
    out['srmExact'].append(float(stats.binomtest(counts[0], sum(counts), weights[0] / sum(weights)).pvalue))
for k, n in data['wilson']:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=1 - alpha, method='wilson')
    out['wilson'].append({'low': ci.low, 'high': ci.high})
for xs in data['tinterval']:
    low, high = stats.t.interval(1 - alpha, len(xs) - 1, loc=sum(xs) / len(xs), scale=stats.sem(xs))
    out['tinterval'].append({'low': low, 'high': high})
zb = stats.norm.ppf(data['power'])
for base, mde, ratio in data['proportionSize']:
    pt = base + mde if base + mde <= 1 else base - mde
    pbar = (base + ratio * pt) / (1 + ratio)
    root = q * math.sqrt(pbar * (1 - pbar) * (1 + 1 / ratio)) + zb * math.sqrt(base * (1 - base) + pt * (1 - pt) / ratio)
    out['proportionSize'].append(math.ceil(root ** 2 / mde ** 2))
for vc, vt, mde, ratio in data['meanSize']:
    out['meanSize'].append(math.ceil((q + zb) ** 2 * (vc + vt / ratio) / mde ** 2))
print(json.dumps(out))
`;

type Expected = {
  z: { statistic: number; pValue: number; low: number; high: number }[];
  welch: { statistic: number; pValue: number; df: number; low: number; high: number }[];
  srm: { chiSquare: number; pValue: number }[];
  srmExact: number[];
  wilson: { low: number; high: number }[];
  tinterval: { low: number; high: number }[];
  proportionSize: number[];
  meanSize: number[];
};

/** The statistics behind GET /api/ml/ab-tests/{name}/results against scipy.stats, on fixed data. */
describe('A/B statistics equal scipy.stats (Debian python3-scipy) to 1e-6', () => {
  const alpha = 0.05;
  const power = 0.8;
  const z: [number, number, number, number][] = [
    [120, 1000, 150, 1000],
    [45, 380, 71, 412],
    [3, 50, 9, 48],
    [487, 4873, 589, 4851],
    [900, 1000, 880, 1000],
  ];
  const welch: [number[], number[]][] = [
    [fixedSample(1, 30, 10, 4), fixedSample(2, 45, 11.5, 9)],
    [fixedSample(3, 200, 52.5, 30), fixedSample(4, 20, 60, 80)],
    [fixedSample(5, 1000, 3.2, 1), fixedSample(6, 1000, 3.25, 1)],
    [[1, 2, 3, 4], [2, 4, 6, 8, 10]],
  ];
  const srm: [number[], number[]][] = [
    [[5200, 4800], [1, 1]],
    [[600, 290, 110], [6, 3, 1]],
    [[1000, 1100, 900, 1050], [1, 1, 1, 1]],
    [[5012, 4988], [50, 50]],
    [[8130, 1870], [80, 20]],
  ];
  // two variants, one expecting fewer than 5 units: the exact binomial test (binomtest)
  const srmExact: [number[], number[]][] = [
    [[5, 95], [1, 99]],
    [[12, 88], [1, 99]],
    [[3, 2997], [1, 999]],
    [[0, 200], [1, 199]],
    [[4, 4], [1, 1]],
    [[97, 3], [97, 3]],
  ];
  const wilson: [number, number][] = [
    [81, 263],
    [0, 20],
    [1, 29],
    [487, 4873],
    [50, 50],
  ];
  const tinterval = [fixedSample(7, 12, 100, 40), fixedSample(8, 500, -3, 2), [1.5, 2.5]];
  const proportionSize: [number, number, number][] = [
    [0.1, 0.02, 1],
    [0.1, 0.05, 0.25],
    [0.5, 0.01, 1],
    [0.98, 0.05, 3],
  ];
  const meanSize: [number, number, number, number][] = [
    [1, 1, 0.5, 1],
    [16, 25, 1.5, 0.25],
    [400, 380, 5, 4],
  ];
  let expected: Expected;

  beforeAll(async () => {
    expected = await scipy<Expected>(SCRIPT, { alpha, power, z, welch, srm, srmExact, wilson, tinterval, proportionSize, meanSize });
  });

  it('two-proportion z-test (pooled): statistic, p-value and the interval of the difference', () => {
    z.forEach(([x1, n1, x2, n2], i) => {
      const ours = twoProportionZTest({ successes: x1, n: n1 }, { successes: x2, n: n2 }, alpha)!;
      expect(Math.abs(ours.statistic - expected.z[i].statistic)).toBeLessThan(1e-6);
      expect(Math.abs(ours.pValue - expected.z[i].pValue)).toBeLessThan(1e-6);
      expect(Math.abs(ours.interval.low - expected.z[i].low)).toBeLessThan(1e-6);
      expect(Math.abs(ours.interval.high - expected.z[i].high)).toBeLessThan(1e-6);
    });
  });

  it("Welch's t-test: statistic, p-value, degrees of freedom and the interval of the difference (ttest_ind, equal_var=False)", () => {
    welch.forEach(([control, treatment], i) => {
      const ours = welchTTest(moments(control), moments(treatment), alpha)!;
      expect(Math.abs(ours.statistic - expected.welch[i].statistic)).toBeLessThan(1e-6);
      expect(Math.abs(ours.pValue - expected.welch[i].pValue)).toBeLessThan(1e-6);
      expect(Math.abs(ours.df! - expected.welch[i].df)).toBeLessThan(1e-6);
      expect(Math.abs(ours.interval.low - expected.welch[i].low)).toBeLessThan(1e-6);
      expect(Math.abs(ours.interval.high - expected.welch[i].high)).toBeLessThan(1e-6);
    });
    // the fixed samples cover both outcomes
    expect(expected.welch.some((w) => w.pValue < 0.05)).toBe(true);
    expect(expected.welch.some((w) => w.pValue > 0.05)).toBe(true);
  });

  it('sample-ratio mismatch: chi-square and p-value (chisquare against the weighted expectation)', () => {
    srm.forEach(([counts, weights], i) => {
      const ours = sampleRatioMismatch(counts, weights)!;
      expect(Math.abs(ours.chiSquare - expected.srm[i].chiSquare)).toBeLessThan(1e-6);
      expect(Math.abs(ours.pValue - expected.srm[i].pValue)).toBeLessThan(1e-6);
      expect(ours.mismatch).toBe(expected.srm[i].pValue < 0.001);
    });
    expect(expected.srm.filter((s) => s.pValue < 0.001).length).toBeGreaterThanOrEqual(2);
  });

  it('sample-ratio mismatch with an expected count below 5: the exact binomial p-value (binomtest)', () => {
    srmExact.forEach(([counts, weights], i) => {
      const ours = sampleRatioMismatch(counts, weights)!;
      expect(ours.method).toBe('exact binomial');
      expect(Math.abs(ours.pValue - expected.srmExact[i])).toBeLessThan(1e-6);
      expect(ours.mismatch).toBe(expected.srmExact[i] < 0.001);
    });
    // the fixed counts cover both outcomes
    expect(expected.srmExact.some((p) => p < 0.001)).toBe(true);
    expect(expected.srmExact.some((p) => p > 0.001)).toBe(true);
  });

  it('Wilson and t intervals (binomtest(...).proportion_ci, t.interval)', () => {
    wilson.forEach(([k, n], i) => {
      const ours = wilsonInterval({ successes: k, n }, alpha)!;
      expect(Math.abs(ours.low - expected.wilson[i].low)).toBeLessThan(1e-6);
      expect(Math.abs(ours.high - expected.wilson[i].high)).toBeLessThan(1e-6);
    });
    tinterval.forEach((xs, i) => {
      const ours = meanInterval(moments(xs), alpha)!;
      expect(Math.abs(ours.low - expected.tinterval[i].low)).toBeLessThan(1e-6);
      expect(Math.abs(ours.high - expected.tinterval[i].high)).toBeLessThan(1e-6);
    });
  });

  it('sample sizes from the normal quantiles (norm.ppf)', () => {
    expect(proportionSize.map(([base, mde, ratio]) => proportionSampleSize(base, mde, alpha, power, ratio))).toEqual(expected.proportionSize);
    expect(meanSize.map(([vc, vt, mde, ratio]) => meanSampleSize(vc, vt, mde, alpha, power, ratio))).toEqual(expected.meanSize);
  });
});
