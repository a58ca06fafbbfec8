/**
 * Token bucket per key: `perMinute` requests a minute, refilled continuously, bursts up to a minute's
 * worth. At most `maxKeys` buckets are kept (the least recently used go first), so callers that
 * invent keys (client addresses) cannot grow it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, now = Date.now()): number {
    const retryAfter = this.check(key, now);
    if (retryAfter === 0 && this.perMinute > 0) this.buckets.get(key)!.tokens -= 1;
    return retryAfter;
  }

  /** Like take, but leaves the token: 0 when one is available, else the seconds until one is. */
  check(key: string, now = Date.now()): number {
    if (this.perMinute <= 0) return 0;
    const perMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / perMs / 1000);
  }
}
