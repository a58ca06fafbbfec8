import { BoundedEventStore } from './bounded-event-store';

const message = (n: number) => ({ jsonrpc: '2.0' as const, method: 'notifications/progress', params: { progressToken: 't', progress: n } });

describe('BoundedEventStore', () => {
  it('replays the events of the same stream after the given id', async () => {
    const store = new BoundedEventStore();
    const a1 = await store.storeEvent('a', message(1));
    await store.storeEvent('b', message(2));
    await store.storeEvent('a', message(3));
    const sent: string[] = [];
    const stream = await store.replayEventsAfter(a1, { send: async (id) => void sent.push(id) });
    expect(stream).toBe('a');
    expect(sent).toEqual(['a_3']);
    expect(await store.getStreamIdForEventId('b_2')).toBe('b');
  });

  it('forgets the oldest events beyond its capacity', async () => {
    const store = new BoundedEventStore(2);
    const first = await store.storeEvent('a', message(1));
    await store.storeEvent('a', message(2));
    await store.storeEvent('a', message(3));
    expect(await store.replayEventsAfter(first, { send: async () => undefined })).toBe('');
  });
});
