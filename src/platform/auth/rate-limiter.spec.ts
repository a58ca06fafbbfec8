import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a minute worth of burst, then refuses with a retry time, then refills', () => {
    const limiter = new RateLimiter(60);
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('k', t0)).toBe(0);
    expect(limiter.take('k', t0)).toBe(1);
    expect(limiter.take('other', t0)).toBe(0);
    expect(limiter.take('k', t0 + 1000)).toBe(0);
    expect(limiter.take('k', t0 + 1000)).toBe(1);
  });

  it('is off at 0', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('k')).toBe(0);
  });
});

describe('RateLimiter.check and its bound', () => {
  it('check tells without taking', () => {
    const limiter = new RateLimiter(2);
    const t0 = 5_000_000;
    expect(limiter.check('k', t0)).toBe(0);
    expect(limiter.check('k', t0)).toBe(0);
    expect(limiter.take('k', t0)).toBe(0);
    expect(limiter.take('k', t0)).toBe(0);
    expect(limiter.check('k', t0)).toBe(30);
  });

  it('keeps at most maxKeys buckets, forgetting the least recently used', () => {
    const limiter = new RateLimiter(1, 3);
    const t0 = 5_000_000;
    for (const key of ['a', 'b', 'c']) expect(limiter.take(key, t0)).toBe(0);
    expect(limiter.take('a', t0)).toBe(60);
    limiter.take('d', t0); // evicts b, the least recently used
    expect(limiter.take('b', t0)).toBe(0);
    expect(limiter.take('a', t0)).toBe(60);
  });
});

describe('RateLimiter across a minute boundary', () => {
  it('refuses a second full burst right after the first, even when the two straddle a minute boundary', () => {
    const limiter = new RateLimiter(60);
    const boundary = 60_000 * 1000;
    for (let i = 0; i < 60; i++) expect(limiter.take('k', boundary - 10)).toBe(0);
    const second = Array.from({ length: 60 }, () => limiter.take('k', boundary + 10));
    expect(second.filter((retry) => retry === 0).length).toBeLessThanOrEqual(1);
  });
});
