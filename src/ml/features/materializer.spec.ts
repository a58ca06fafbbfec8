import { nextWatermark } from './materializer';

const at = (hour: number) => new Date(Date.UTC(2026, 10, 20, hour));

describe('nextWatermark', () => {
  it('moves to the end of a run that started at or before it', () => {
    expect(nextWatermark(null, null, at(10), at(12))).toEqual(at(10));
    expect(nextWatermark(at(8), at(8), at(10), at(12))).toEqual(at(10));
    expect(nextWatermark(at(8), at(6), at(10), at(12))).toEqual(at(10));
  });

  it('stays where it is after a run that left a gap before its start', () => {
    expect(nextWatermark(at(8), at(9), at(10), at(12))).toEqual(at(8));
    expect(nextWatermark(null, at(9), at(10), at(12))).toBeNull();
  });

  it('never passes the database clock, whatever end was asked', () => {
    expect(nextWatermark(at(8), null, at(23), at(12))).toEqual(at(12));
  });
});
