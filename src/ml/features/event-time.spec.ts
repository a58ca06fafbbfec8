import { parseEventTime } from './event-time';

describe('parseEventTime', () => {
  it('reads a time without an offset as UTC, whatever the local zone', () => {
    expect(parseEventTime('2026-11-20T10:00:00')?.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(parseEventTime('2026-11-20 10:00')?.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(parseEventTime('2026-11-20')?.toISOString()).toBe('2026-11-20T00:00:00.000Z');
  });

  it('keeps an explicit offset and takes numbers as epoch milliseconds', () => {
    expect(parseEventTime('2026-11-20T10:00:00+02:00')?.toISOString()).toBe('2026-11-20T08:00:00.000Z');
    expect(parseEventTime(0)?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });

  it('is undefined for what is not a time', () => {
    expect(parseEventTime('yesterday')).toBeUndefined();
    expect(parseEventTime('2026-13-45T10:00:00')).toBeUndefined();
    expect(parseEventTime(null)).toBeUndefined();
    expect(parseEventTime(Number.NaN)).toBeUndefined();
  });
});
