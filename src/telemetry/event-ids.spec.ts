import { EventIds } from './event-ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('EventIds', () => {
  it('makes UUID v7 ids carrying the millisecond they were made in', () => {
    const now = Date.UTC(2026, 11, 1, 16, 30, 0, 123);
    for (const ms of [now, 0, 0xffffff, 0x1000000, 0x1000001, 2 ** 48 - 1, now + 86_400_000]) {
      const id = new EventIds().next(ms);
      expect(id).toMatch(UUID_V7);
      expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
    }
  });

  it('makes strictly increasing, distinct ids within one millisecond and across them', () => {
    const ids = new EventIds();
    const made: string[] = [];
    for (let i = 0; i < 50_000; i++) made.push(ids.next(1_700_000_000_000 + Math.floor(i / 20_000)));
    expect(made.every((id, i) => i === 0 || id > made[i - 1])).toBe(true);
    expect(new Set(made).size).toBe(made.length);
    expect(made.every((id) => UUID_V7.test(id))).toBe(true);
  });

  it('moves on to the next millisecond when one runs out of its counter, and never goes back', () => {
    const ids = new EventIds(8);
    const now = 1_700_000_000_000;
    let last = ids.next(now);
    for (let i = 0; i < 2 ** 8; i++) {
      const id = ids.next(now);
      if (id.slice(0, 13) !== last.slice(0, 13)) {
        expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now + 1);
        expect(id > last).toBe(true);
        expect(ids.next(now) > id).toBe(true);
        return;
      }
      last = id;
    }
    throw new Error('the counter never ran out');
  });

  it('gives two generators different ids in the same millisecond', () => {
    const [a, b] = [new EventIds(), new EventIds()];
    expect(a.next(1_700_000_000_000)).not.toBe(b.next(1_700_000_000_000));
  });
});
