import {
  binomialTwoSidedP,
  chiSquareSurvival,
  meanInterval,
  meanSampleSize,
  normalTwoSidedP,
  proportionSampleSize,
  sampleRatioMismatch,
  tTwoSidedP,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
  zQuantile,
} from './ab-statistics';

// The comparison with scipy.stats on fixed data is in test/ml/ab-statistics.e2e-spec.ts (it runs Python).
describe('A/B statistics', () => {
  describe('distributions', () => {
    it('agree with the tables: z(0.975), t(0.975, 10), chi-square(0.95, 1)', () => {
      expect(zQuantile(0.975)).toBeCloseTo(1.959964, 6);
      expect(normalTwoSidedP(1.959963984540054)).toBeCloseTo(0.05, 12);
      expect(tTwoSidedP(2.228138851986274, 10)).toBeCloseTo(0.05, 10);
      expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
      expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 10);
    });

    it('a chi-square with one degree of freedom is a squared standard normal; t with many df is normal', () => {
      for (const z of [0.3, 1.7, 3.2, 6]) expect(chiSquareSurvival(z * z, 1) / normalTwoSidedP(z)).toBeCloseTo(1, 9);
      expect(tTwoSidedP(2.5, 1e7)).toBeCloseTo(normalTwoSidedP(2.5), 7);
    });
  });

  describe('intervals', () => {
    // Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (Wilson score)
    it.each([
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ])('Wilson interval of %i/%i is %f to %f', (successes, n, low, high) => {
      const interval = wilsonInterval({ successes, n }, 0.05)!;
      expect(interval.low).toBeCloseTo(low, 4);
      expect(interval.high).toBeCloseTo(high, 4);
    });

    it('the t interval of a mean widens with fewer observations and needs two of them', () => {
      const wide = meanInterval({ mean: 10, variance: 4, n: 5 }, 0.05)!;
      const narrow = meanInterval({ mean: 10, variance: 4, n: 500 }, 0.05)!;
      expect(wide.high - 10).toBeCloseTo(2.776445 * Math.sqrt(4 / 5), 5);
      expect(10 - wide.low).toBeCloseTo(wide.high - 10, 12);
      expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
      expect(meanInterval({ mean: 10, variance: 0, n: 1 }, 0.05)).toBeNull();
      expect(wilsonInterval({ successes: 0, n: 0 }, 0.05)).toBeNull();
    });
  });

  describe('tests against the control', () => {
    it('the z-test pools the proportions for its statistic and not for the interval of the difference', () => {
      const result = twoProportionZTest({ successes: 120, n: 1000 }, { successes: 150, n: 1000 }, 0.05)!;
      const pooled = 270 / 2000;
      expect(result.statistic).toBeCloseTo(0.03 / Math.sqrt(pooled * (1 - pooled) * 0.002), 12);
      expect(result.pValue).toBeCloseTo(normalTwoSidedP(result.statistic), 15);
      expect(result.difference).toBeCloseTo(0.03, 15);
      expect(result.interval.high - result.difference).toBeCloseTo(1.959964 * Math.sqrt((0.12 * 0.88 + 0.15 * 0.85) / 1000), 6);
      const swapped = twoProportionZTest({ successes: 150, n: 1000 }, { successes: 120, n: 1000 }, 0.05)!;
      expect(swapped.statistic).toBeCloseTo(-result.statistic, 12);
      expect(swapped.pValue).toBeCloseTo(result.pValue, 15);
    });

    it('no variance, no z-test', () => {
      expect(twoProportionZTest({ successes: 0, n: 50 }, { successes: 0, n: 40 }, 0.05)).toBeNull();
      expect(twoProportionZTest({ successes: 0, n: 0 }, { successes: 3, n: 40 }, 0.05)).toBeNull();
    });

    it("Welch's test with equal sizes and variances is Student's, with 2n − 2 degrees of freedom", () => {
      const result = welchTTest({ mean: 10, variance: 4, n: 30 }, { mean: 11, variance: 4, n: 30 }, 0.05)!;
      expect(result.df).toBeCloseTo(58, 10);
      expect(result.statistic).toBeCloseTo(1 / Math.sqrt(8 / 30), 12);
      expect(result.pValue).toBeCloseTo(tTwoSidedP(result.statistic, 58), 15);
      expect(result.interval.low).toBeLessThan(1);
      expect(result.interval.high).toBeGreaterThan(1);
    });

    it('Welch–Satterthwaite degrees of freedom lie between the smaller group and the sum', () => {
      const result = welchTTest({ mean: 5, variance: 1, n: 200 }, { mean: 5.4, variance: 25, n: 20 }, 0.05)!;
      expect(result.df).toBeGreaterThan(19);
      expect(result.df).toBeLessThan(218);
      expect(welchTTest({ mean: 5, variance: 0, n: 20 }, { mean: 5, variance: 0, n: 20 }, 0.05)).toBeNull();
      expect(welchTTest({ mean: 5, variance: 1, n: 1 }, { mean: 5, variance: 1, n: 20 }, 0.05)).toBeNull();
    });
  });

  describe('sample-ratio mismatch', () => {
    it('counts in the promised ratio are no mismatch; 5200 against 4800 at 50/50 is', () => {
      expect(sampleRatioMismatch([600, 300, 100], [6, 3, 1])).toMatchObject({ chiSquare: 0, pValue: 1, mismatch: false, df: 2 });
      const skewed = sampleRatioMismatch([5200, 4800], [1, 1])!;
      expect(skewed.chiSquare).toBeCloseTo(16, 12);
      expect(skewed.pValue).toBeCloseTo(normalTwoSidedP(4), 12);
      expect(skewed.mismatch).toBe(true);
      expect(sampleRatioMismatch([0, 0], [1, 1])).toBeNull();
    });

    it('with a variant expecting fewer than 5 units, two variants get the exact binomial p-value instead of the chi-square one', () => {
      // weights 1:99, 100 units, 5 in the small variant: chi-square says p ≈ 6e-5, which would be flagged
      const chiSquareP = chiSquareSurvival(16 + 16 / 99, 1);
      expect(chiSquareP).toBeLessThan(0.001);
      const check = sampleRatioMismatch([5, 95], [1, 99])!;
      expect(check).toMatchObject({ method: 'exact binomial', mismatch: false, expected: [1, 99], note: expect.stringContaining('below 5') });
      expect(check.chiSquare).toBeCloseTo(16 + 16 / 99, 12);
      expect(check.pValue).toBeCloseTo(binomialTwoSidedP(5, 100, 0.01), 15);
      expect(check.pValue).toBeGreaterThan(0.001);
      // a real mismatch at small counts is still flagged
      expect(sampleRatioMismatch([12, 88], [1, 99])).toMatchObject({ method: 'exact binomial', mismatch: true });
      // enough expected units: chi-square, no note
      expect(sampleRatioMismatch([5, 495], [1, 99])).toMatchObject({ method: 'chi-square', note: null });
    });

    it('with more than two variants and a small expected count nothing is flagged, and the note says why', () => {
      const check = sampleRatioMismatch([8, 0, 92], [2, 2, 96])!;
      expect(check.pValue).toBeLessThan(0.001);
      expect(check).toMatchObject({ method: 'chi-square', mismatch: false, note: expect.stringContaining('no mismatch is flagged') });
    });
  });

  describe('exact binomial test', () => {
    /** The two-sided p-value by its definition, from exact binomial coefficients (BigInt) and powers. */
    const bruteForce = (k: number, n: number, p: number) => {
      const choose = (m: number) => {
        let c = 1n;
        for (let i = 0; i < m; i++) c = (c * BigInt(n - i)) / BigInt(i + 1);
        return Number(c);
      };
      const pmf = Array.from({ length: n + 1 }, (_, y) => choose(y) * p ** y * (1 - p) ** (n - y));
      return Math.min(1, pmf.filter((q) => q <= pmf[k] * (1 + 1e-7)).reduce((a, b) => a + b, 0));
    };

    it('equals the sum of the probabilities of every outcome no likelier than the observed one', () => {
      for (const [n, p] of [[20, 0.5], [30, 0.1], [40, 0.03], [25, 0.8]] as const) {
        for (let k = 0; k <= n; k++) expect(Math.abs(binomialTwoSidedP(k, n, p) - bruteForce(k, n, p))).toBeLessThan(1e-12);
      }
    });

    it('is the same from either variant\'s side, and 1 at the expected count', () => {
      expect(binomialTwoSidedP(5, 100, 0.01)).toBeCloseTo(binomialTwoSidedP(95, 100, 0.99), 14);
      expect(binomialTwoSidedP(10, 20, 0.5)).toBe(1);
      expect(binomialTwoSidedP(0, 10, 0)).toBe(1);
    });
  });

  describe('sample size', () => {
    it('10% against 15% at alpha 0.05 and power 0.8 needs 686 units a group (Fleiss, no continuity correction)', () => {
      expect(proportionSampleSize(0.1, 0.05, 0.05, 0.8)).toBe(686);
    });

    it('half a standard deviation at alpha 0.05 and power 0.8 needs 63 units a group', () => {
      expect(meanSampleSize(1, 1, 0.5, 0.05, 0.8)).toBe(63);
    });

    it('an unequal split needs more control units the fewer treatment units there are', () => {
      const even = proportionSampleSize(0.1, 0.05, 0.05, 0.8, 1)!;
      const thin = proportionSampleSize(0.1, 0.05, 0.05, 0.8, 0.25)!;
      expect(thin).toBeGreaterThan(even);
      expect(meanSampleSize(1, 1, 0.5, 0.05, 0.8, 0.5)).toBe(Math.ceil((2.8015852 ** 2 * 3) / 0.25));
    });

    it('a baseline near 1 tests the effect downwards; no effect or no variance has no answer', () => {
      expect(proportionSampleSize(0.98, 0.05, 0.05, 0.8)).toBe(proportionSampleSize(0.02, 0.05, 0.05, 0.8));
      expect(proportionSampleSize(0.5, 0, 0.05, 0.8)).toBeNull();
      expect(meanSampleSize(0, 0, 0.5, 0.05, 0.8)).toBeNull();
    });
  });
});
