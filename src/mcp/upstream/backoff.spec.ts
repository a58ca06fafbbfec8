import { backoffCeiling, backoffDelay } from './backoff';

const policy = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };

describe('backoff', () => {
  it('grows the ceiling exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffCeiling(policy, a))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws the delay uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
    expect(backoffDelay(policy, 3, () => 0.999999)).toBe(400);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(policy, 4);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });
});
