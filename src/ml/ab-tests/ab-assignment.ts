import { createHash } from 'node:crypto';

/**
 * A number in [0, 1) that depends only on the test name and the unit: the first 53 bits of
 * SHA-256(name NUL unit) over 2^53. Every replica, before and after a restart, computes the same one,
 * so assignment needs no shared state; a different test name reshuffles the units independently.
 */
export function unitPosition(testName: string, unitId: string): number {
  const digest = createHash('sha256').update(testName).update('\0').update(unitId).digest();
  return Number(digest.readBigUInt64BE(0) >> 11n) / 2 ** 53;
}

/** The variant whose slice of the cumulative weights holds the unit's position. */
export function assignVariant<V extends { name: string; weight: number }>(testName: string, unitId: string, variants: readonly V[]): V {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  const target = unitPosition(testName, unitId) * total;
  let upper = 0;
  for (const variant of variants) {
    upper += variant.weight;
    if (target < upper) return variant;
  }
  // floating-point rounding of the running sum can leave the last sliver uncovered
  return variants[variants.length - 1];
}
