import { BoundedEventStore, ReplayBudget } from './bounded-event-store';

const data = (bytes: number) => 'x'.repeat(bytes);
const replayed = (store: BoundedEventStore, after: string) => {
  const ids: string[] = [];
  const stream = store.replayAfter(after, (id) => ids.push(id));
  return { stream, ids };
};

describe('BoundedEventStore', () => {
  it('replays the events of the same stream after the given id', () => {
    const store = new BoundedEventStore(new ReplayBudget(1_000_000, 10_000_000));
    const a1 = store.store('a', '{"n":1}');
    store.store('b', '{"n":2}');
    store.store('a', '{"n":3}');
    const sent: [string, string][] = [];
    expect(store.replayAfter(a1, (id, payload) => sent.push([id, payload]))).toBe('a');
    expect(sent).toEqual([['a_3', '{"n":3}']]);
    expect(store.streamIdOf('b_2')).toBe('b');
    expect(store.streamIdOf('b_9')).toBeUndefined();
  });

  it('forgets the oldest events once the session cap in bytes is reached', () => {
    const budget = new ReplayBudget(3_000, 1_000_000);
    const store = new BoundedEventStore(budget);
    const first = store.store('a', data(1000));
    const second = store.store('a', data(1000));
    expect(replayed(store, first).ids).toEqual([second]);
    const third = store.store('a', data(1000));
    expect(replayed(store, first).stream).toBeUndefined();
    expect(replayed(store, second).ids).toEqual([third]);
    expect(store.storedBytes).toBeLessThanOrEqual(3_000);
    expect(budget.usedBytes).toBe(store.storedBytes);
  });

  it('keeps no event larger than the session cap, and still gives it an id', () => {
    const store = new BoundedEventStore(new ReplayBudget(2_000, 1_000_000));
    const kept = store.store('a', data(100));
    const huge = store.store('a', data(5_000));
    expect(huge).toBe('a_2');
    expect(store.streamIdOf(huge)).toBeUndefined();
    expect(store.streamIdOf(kept)).toBe('a');
  });

  it('shares one budget between sessions: a session gives up its own oldest events, then stops keeping new ones', () => {
    const budget = new ReplayBudget(10_000, 3_000);
    const one = new BoundedEventStore(budget);
    const two = new BoundedEventStore(budget);
    one.store('a', data(1000));
    one.store('a', data(1000));
    const twoFirst = two.store('b', data(500));
    const twoSecond = two.store('b', data(500));
    // two evicts its own oldest event to make room; one's events are untouched
    expect(two.streamIdOf(twoFirst)).toBeUndefined();
    expect(two.streamIdOf(twoSecond)).toBe('b');
    expect(one.storedBytes).toBe(2 * 1160);
    const lost = two.store('b', data(2000));
    expect(two.streamIdOf(lost)).toBeUndefined();
    expect(budget.usedBytes).toBeLessThanOrEqual(3_000);
    expect(budget.usedBytes).toBe(one.storedBytes + two.storedBytes);

    one.clear();
    expect(budget.usedBytes).toBe(two.storedBytes);
    const fits = two.store('b', data(2000));
    expect(two.streamIdOf(fits)).toBe('b');
  });
});
