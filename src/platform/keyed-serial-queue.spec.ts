import { KeyedSerialQueue } from './keyed-serial-queue';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedSerialQueue', () => {
  it('runs work of one key in order, even after a failure, and forgets the key when done', async () => {
    const queue = new KeyedSerialQueue();
    const order: string[] = [];
    let release!: () => void;
    const first = queue.run('a', () => new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('a1')));
    const failing = queue.run('a', async () => {
      order.push('a2');
      throw new Error('boom');
    });
    const third = queue.run('a', async () => void order.push('a3'));
    const other = queue.run('b', async () => void order.push('b1'));
    await other;
    expect(order).toEqual(['b1']);
    release();
    await first;
    await expect(failing).rejects.toThrow('boom');
    await third;
    expect(order).toEqual(['b1', 'a1', 'a2', 'a3']);
    await tick();
    expect(queue.size).toBe(0);
  });
});
