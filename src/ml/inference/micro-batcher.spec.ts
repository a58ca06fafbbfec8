import { MicroBatcher } from './micro-batcher';

interface Item {
  rows: number;
  name: string;
}

/** A batcher whose wait timers fire only when the test says so. */
function batcher(maxRows = 4) {
  const timers: (() => void)[] = [];
  let readyCalls = 0;
  const instance = new MicroBatcher<Item>({ maxWaitMs: 2, maxRows, schedule: (callback) => timers.push(callback) }, () => readyCalls++);
  return { instance, fireTimers: () => timers.splice(0).forEach((t) => t()), readyCalls: () => readyCalls };
}

const item = (name: string, rows = 1): Item => ({ name, rows });

describe('MicroBatcher', () => {
  it('coalesces requests to one model until the wait ends, keeping models apart', () => {
    const { instance, fireTimers, readyCalls } = batcher();
    instance.add('m1', item('a'));
    instance.add('m2', item('b'));
    instance.add('m1', item('c'));
    expect(instance.take()).toBeUndefined();
    fireTimers();
    expect(readyCalls()).toBe(2);
    expect(instance.take()!.items.map((i) => i.name)).toEqual(['a', 'c']);
    expect(instance.take()!.items.map((i) => i.name)).toEqual(['b']);
    expect(instance.size).toBe(0);
  });

  it('is ready at maxRows without waiting, and a request larger than maxRows forms its own batch', () => {
    const { instance } = batcher(3);
    instance.add('m', item('a', 2));
    instance.add('m', item('b', 1));
    const full = instance.take()!;
    expect(full).toMatchObject({ rows: 3, ready: true });
    instance.add('m', item('big', 10));
    expect(instance.take()!.items.map((i) => i.name)).toEqual(['big']);
  });

  it('a ready batch nobody took yet keeps taking requests to its model up to maxRows', () => {
    const { instance, fireTimers } = batcher(3);
    instance.add('m', item('a'));
    fireTimers();
    instance.add('m', item('b'));
    instance.add('m', item('c'));
    instance.add('m', item('d'));
    expect(instance.take()!.items.map((i) => i.name)).toEqual(['a', 'b', 'c']);
    fireTimers();
    expect(instance.take()!.items.map((i) => i.name)).toEqual(['d']);
  });

  it('prefers a ready batch the caller asks for (a model the idle worker has loaded)', () => {
    const { instance, fireTimers } = batcher();
    instance.add('m1', item('a'));
    instance.add('m2', item('b'));
    fireTimers();
    expect(instance.take((key) => key === 'm2')!.key).toBe('m2');
    expect(instance.take((key) => key === 'm2')!.key).toBe('m1');
  });

  it('requeues retried items at the front, ready; removes a timed-out item; drains everything', () => {
    const { instance, fireTimers } = batcher();
    const waiting = item('w');
    instance.add('m1', item('a'));
    instance.add('m1', waiting);
    instance.requeue('m2', [item('retry')]);
    expect(instance.take()!.items.map((i) => i.name)).toEqual(['retry']);
    expect(instance.remove(waiting)).toBe(true);
    expect(instance.remove(waiting)).toBe(false);
    fireTimers();
    expect(instance.take()!.items.map((i) => i.name)).toEqual(['a']);
    instance.add('m3', item('x'));
    expect(instance.drain().map((i) => i.name)).toEqual(['x']);
    expect(instance.size).toBe(0);
    fireTimers();
    expect(instance.take()).toBeUndefined();
  });
});
