interface Distributions {
  gammainc: typeof import('@stdlib/math-base-special-gammainc');
  normalCdf: typeof import('@stdlib/stats-base-dists-normal-cdf');
  normalQuantile: typeof import('@stdlib/stats-base-dists-normal-quantile');
  tCdf: typeof import('@stdlib/stats-base-dists-t-cdf');
  tQuantile: typeof import('@stdlib/stats-base-dists-t-quantile');
}
let distributions: Distributions | undefined;

/** Loaded on first use: they cost about 0.19 s of CPU to load, at every start of every hub and worker process otherwise. */
function stdlib(): Distributions {
  return (distributions ??= {
    gammainc: require('@stdlib/math-base-special-gammainc') as Distributions['gammainc'],
    normalCdf: require('@stdlib/stats-base-dists-normal-cdf') as Distributions['normalCdf'],
    normalQuantile: require('@stdlib/stats-base-dists-normal-quantile') as Distributions['normalQuantile'],
    tCdf: require('@stdlib/stats-base-dists-t-cdf') as Distributions['tCdf'],
    tQuantile: require('@stdlib/stats-base-dists-t-quantile') as Distributions['tQuantile'],
  });
}

/**
 * The statistics of an A/B test, as pure functions of counts and moments. Every test is two-sided and
 * compares a treatment with the control: differences are treatment − control.
 */

export interface Interval {
  low: number;
  high: number;
}

export interface ProportionSample {
  successes: number;
  n: number;
}

export interface MeanSample {
  mean: number;
  /** Sample variance (denominator n − 1). */
  variance: number;
  n: number;
}

export interface ComparisonResult {
  statistic: number;
  pValue: number;
  difference: number;
  interval: Interval;
  /** Degrees of freedom of Welch's t-test (Welch–Satterthwaite); absent for the z-test. */
  df?: number;
}

export interface SampleRatioCheck {
  /** Where pValue comes from: the chi-square distribution, or the exact binomial test (two variants with a small expected count). */
  method: 'chi-square' | 'exact binomial';
  chiSquare: number;
  df: number;
  pValue: number;
  expected: number[];
  mismatch: boolean;
  /** Why the check departs from the chi-square test, when it does. */
  note: string | null;
}

/** The p-value below which assignment counts are flagged as a sample-ratio mismatch. */
export const SRM_THRESHOLD = 0.001;

/** Below this expected count in any variant the chi-square approximation is not trusted (Cochran's rule). */
const MIN_EXPECTED_COUNT = 5;

export const zQuantile = (p: number): number => stdlib().normalQuantile(p, 0, 1);

/** Two-sided p-value of a standard normal statistic, from the lower tail so small values keep their precision. */
export const normalTwoSidedP = (z: number): number => 2 * stdlib().normalCdf(-Math.abs(z), 0, 1);

/** Two-sided p-value of a Student t statistic with df degrees of freedom. */
export const tTwoSidedP = (t: number, df: number): number => 2 * stdlib().tCdf(-Math.abs(t), df);

/** Upper tail of the chi-square distribution: the regularized upper incomplete gamma Q(k/2, x/2). */
export const chiSquareSurvival = (x: number, df: number): number => stdlib().gammainc(x / 2, df / 2, true, true);

/**
 * Wilson score interval of a proportion: unlike the normal (Wald) interval it stays inside [0, 1]
 * and keeps its coverage near 0 and 1 and with few observations.
 */
export function wilsonInterval({ successes, n }: ProportionSample, alpha: number): Interval | null {
  if (n <= 0) return null;
  const z = zQuantile(1 - alpha / 2);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** t-based interval of a mean: mean ± t(1 − α/2, n − 1) · s/√n. Needs two observations. */
export function meanInterval({ mean, variance, n }: MeanSample, alpha: number): Interval | null {
  if (n < 2) return null;
  const half = stdlib().tQuantile(1 - alpha / 2, n - 1) * Math.sqrt(variance / n);
  return { low: mean - half, high: mean + half };
}

/**
 * Two-proportion z-test with the pooled proportion under H0 (p_t = p_c):
 * z = (p_t − p_c) / √(p̂(1 − p̂)(1/n_c + 1/n_t)). The interval of the difference is the unpooled
 * (Wald) one, p_t − p_c ± z(1 − α/2) · √(p_c(1 − p_c)/n_c + p_t(1 − p_t)/n_t).
 * Null when a group is empty or every observation is the same (0 or 1 everywhere): no variance, no test.
 */
export function twoProportionZTest(control: ProportionSample, treatment: ProportionSample, alpha: number): ComparisonResult | null {
  if (control.n <= 0 || treatment.n <= 0) return null;
  const pc = control.successes / control.n;
  const pt = treatment.successes / treatment.n;
  const pooled = (control.successes + treatment.successes) / (control.n + treatment.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  if (!(se > 0)) return null;
  const statistic = (pt - pc) / se;
  const half = zQuantile(1 - alpha / 2) * Math.sqrt((pc * (1 - pc)) / control.n + (pt * (1 - pt)) / treatment.n);
  const difference = pt - pc;
  return { statistic, pValue: normalTwoSidedP(statistic), difference, interval: { low: difference - half, high: difference + half } };
}

/**
 * Welch's t-test (unequal variances): t = (m_t − m_c) / √(s_c²/n_c + s_t²/n_t) with the
 * Welch–Satterthwaite degrees of freedom; the interval of the difference uses the same t and df.
 * Null with fewer than two observations in a group or no variance at all.
 */
export function welchTTest(control: MeanSample, treatment: MeanSample, alpha: number): ComparisonResult | null {
  if (control.n < 2 || treatment.n < 2) return null;
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  const se = Math.sqrt(vc + vt);
  if (!(se > 0)) return null;
  const df = (vc + vt) ** 2 / (vc ** 2 / (control.n - 1) + vt ** 2 / (treatment.n - 1));
  const difference = treatment.mean - control.mean;
  const statistic = difference / se;
  const half = stdlib().tQuantile(1 - alpha / 2, df) * se;
  return { statistic, pValue: tTwoSidedP(statistic, df), difference, df, interval: { low: difference - half, high: difference + half } };
}

/**
 * Sample-ratio mismatch: chi-square goodness of fit of the assignment counts against the shares the
 * weights promise, df = variants − 1. A small p-value means assignment or logging is broken (a
 * variant that fails or is dropped more often), so the comparison cannot be trusted.
 * The chi-square p-value is far too small when a variant expects few units (weights 1:99 with 100
 * units: 5 units where 1 was expected gives p ≈ 6e-5, the exact p ≈ 0.003). So when any expected
 * count is below MIN_EXPECTED_COUNT: with two variants the p-value is the exact binomial test's; with
 * more, nothing is flagged until every variant expects enough units. `note` says which applied.
 */
export function sampleRatioMismatch(counts: number[], weights: number[], threshold = SRM_THRESHOLD): SampleRatioCheck | null {
  const total = counts.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (counts.length < 2 || counts.length !== weights.length || total === 0 || !(weightSum > 0)) return null;
  const expected = weights.map((w) => (total * w) / weightSum);
  const chiSquare = counts.reduce((sum, observed, i) => sum + (observed - expected[i]) ** 2 / expected[i], 0);
  const df = counts.length - 1;
  const smallest = Math.min(...expected);
  if (smallest >= MIN_EXPECTED_COUNT) {
    const pValue = chiSquareSurvival(chiSquare, df);
    return { method: 'chi-square', chiSquare, df, pValue, expected, mismatch: pValue < threshold, note: null };
  }
  const small = `the smallest expected count is ${Number(smallest.toPrecision(3))}, below ${MIN_EXPECTED_COUNT}, where the chi-square approximation does not hold`;
  if (counts.length === 2) {
    const pValue = binomialTwoSidedP(counts[0], total, weights[0] / weightSum);
    return { method: 'exact binomial', chiSquare, df, pValue, expected, mismatch: pValue < threshold, note: `${small}: the p-value is the exact binomial test's` };
  }
  return { method: 'chi-square', chiSquare, df, pValue: chiSquareSurvival(chiSquare, df), expected, mismatch: false, note: `${small}: no mismatch is flagged until every variant expects at least ${MIN_EXPECTED_COUNT}` };
}

/**
 * Two-sided exact binomial test of k successes in n trials with success probability p, as
 * scipy.stats.binomtest: the probability of every outcome no likelier than k (with a relative
 * tolerance of 1e-7 for ties). The probabilities are built up from P(0) = (1 − p)^n by the ratio of
 * consecutive terms, on the side with p ≤ 0.5; meant for a small expected count n·min(p, 1 − p), as in
 * the sample-ratio check (with a large one P(0) underflows and the result is 0).
 */
export function binomialTwoSidedP(k: number, n: number, p: number): number {
  if (p > 0.5) return binomialTwoSidedP(n - k, n, 1 - p);
  if (p === 0) return k === 0 ? 1 : 0;
  const odds = p / (1 - p);
  const mode = Math.floor((n + 1) * p);
  let term = Math.exp(n * Math.log1p(-p));
  let observed = 0;
  for (let y = 0; y <= k; y++) {
    if (y === k) observed = term;
    term *= ((n - y) / (y + 1)) * odds;
  }
  const bound = observed * (1 + 1e-7);
  let sum = 0;
  term = Math.exp(n * Math.log1p(-p));
  for (let y = 0; y <= n; y++) {
    if (term <= bound) sum += term;
    // past the mode the terms only shrink; once they underflow the rest adds nothing
    if (y > mode && term < Number.MIN_VALUE * 1e10) break;
    term *= ((n - y) / (y + 1)) * odds;
  }
  return Math.min(1, sum);
}

/**
 * Control units needed to detect an absolute difference `mde` between two proportions with a two-sided
 * test at `alpha` and the given power, when the treatment gets `ratio` units per control unit
 * (normal approximation, no continuity correction):
 *   n_c = [z(1−α/2)·√(p̄q̄(1 + 1/κ)) + z(power)·√(p_c q_c + p_t q_t/κ)]² / δ²,  p̄ = (p_c + κ p_t)/(1 + κ).
 * The treatment rate is baseline + mde, or baseline − mde when that would pass 1.
 */
export function proportionSampleSize(baseline: number, mde: number, alpha: number, power: number, ratio = 1): number | null {
  if (!(mde > 0) || !(ratio > 0) || baseline < 0 || baseline > 1) return null;
  const pc = baseline;
  const pt = pc + mde <= 1 ? pc + mde : pc - mde;
  if (pt < 0) return null;
  const pbar = (pc + ratio * pt) / (1 + ratio);
  const za = zQuantile(1 - alpha / 2);
  const zb = zQuantile(power);
  const root = za * Math.sqrt(pbar * (1 - pbar) * (1 + 1 / ratio)) + zb * Math.sqrt(pc * (1 - pc) + (pt * (1 - pt)) / ratio);
  return Math.ceil((root * root) / (mde * mde));
}

/**
 * Control units needed to detect an absolute difference `mde` between two means with a two-sided test
 * at `alpha` and the given power: n_c = (z(1−α/2) + z(power))² · (σ_c² + σ_t²/κ) / δ².
 */
export function meanSampleSize(controlVariance: number, treatmentVariance: number, mde: number, alpha: number, power: number, ratio = 1): number | null {
  if (!(mde > 0) || !(ratio > 0) || !(controlVariance >= 0) || !(treatmentVariance >= 0)) return null;
  const z = zQuantile(1 - alpha / 2) + zQuantile(power);
  const n = Math.ceil((z * z * (controlVariance + treatmentVariance / ratio)) / (mde * mde));
  return n > 0 ? n : null;
}
