import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('reads as toISOString for times across the years, within a second and across its edges', () => {
    const times = [0, 1, 999, 1000, 1001, 59_999, 60_000, Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), -1, -1000, -1001, Date.UTC(1, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999)];
    for (let i = 0; i < 2000; i++) times.push(Math.floor(Math.random() * 4_102_444_800_000));
    const start = Date.UTC(2026, 5, 1, 12, 0, 0);
    for (let ms = start - 5; ms < start + 2_010; ms += 7) times.push(ms);
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('formats years past 9999 and fractions of a millisecond as toISOString does', () => {
    for (const ms of [Date.UTC(10_000, 0, 1, 0, 0, 0, 5), Date.UTC(10_000, 0, 1, 0, 0, 0, 6), Date.UTC(-1, 0, 1), 1_700_000_000_000.5, 1_700_000_000_000.25]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('is the time now when no time is given', () => {
    const before = Date.now();
    const now = Date.parse(isoTime());
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
