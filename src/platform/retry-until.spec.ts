import { retryUntil } from './retry-until';

describe('retryUntil', () => {
  it('returns the first success', async () => {
    let calls = 0;
    const value = await retryUntil(async () => {
      if (++calls < 3) throw new Error(`fail ${calls}`);
      return 'ok';
    }, { timeoutMs: 1000, intervalMs: 1 });
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up at the deadline with the last error', async () => {
    let calls = 0;
    await expect(retryUntil(async () => { throw new Error(`fail ${++calls}`); }, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(/fail \d+/);
    expect(calls).toBeGreaterThan(1);
  });

  it('stops at once on an error that is not worth retrying', async () => {
    let calls = 0;
    const retries: number[] = [];
    await expect(
      retryUntil(async () => { calls++; throw new Error('fatal'); }, { timeoutMs: 1000, intervalMs: 1, retryIf: () => false, onRetry: (_e, n) => retries.push(n) }),
    ).rejects.toThrow('fatal');
    expect(calls).toBe(1);
    expect(retries).toEqual([]);
  });
});
