import { EventBus } from './event-bus';
import { HubEvent } from './hub-event';

describe('EventBus', () => {
  it('delivers events to subscribers filtered by type prefix, after the current turn, to those subscribed at publish time', async () => {
    const bus = new EventBus();
    const all: HubEvent[] = [];
    const mcp: HubEvent[] = [];
    bus.subscribe((e) => all.push(e));
    const unsubscribe = bus.subscribe((e) => mcp.push(e), ['mcp.']);
    bus.publish('mcp.server.state', { to: 'connected' }, 'everything');
    bus.publish('ml.job.queued', { id: 1 });
    unsubscribe();
    bus.publish('mcp.tool.call', { ok: true });
    expect(all).toHaveLength(0);
    await bus.delivered();
    expect(all.map((e) => e.type)).toEqual(['mcp.server.state', 'ml.job.queued', 'mcp.tool.call']);
    expect(mcp).toHaveLength(1);
    expect(mcp[0]).toMatchObject({ type: 'mcp.server.state', subject: 'everything', data: { to: 'connected' } });
    expect(Date.parse(mcp[0].time)).not.toBeNaN();
  });

  it('reaches listeners that subscribed or left after a type was first published', async () => {
    const bus = new EventBus();
    const [first, second]: string[][] = [[], []];
    const leave = bus.subscribe((e) => first.push(String(e.data.n)), ['mcp.']);
    bus.publish('mcp.tool.call', { n: 1 });
    bus.subscribe((e) => second.push(String(e.data.n)), ['mcp.tool']);
    bus.publish('mcp.tool.call', { n: 2 });
    leave();
    bus.publish('mcp.tool.call', { n: 3 });
    bus.publish('ml.job.queued', { n: 4 });
    await bus.delivered();
    expect(first).toEqual(['1', '2']);
    expect(second).toEqual(['2', '3']);
  });

  it('delivers events of more types than it remembers', async () => {
    const bus = new EventBus();
    const seen = new Set<string>();
    bus.subscribe((e) => seen.add(e.type), ['x.']);
    for (let i = 0; i < 1500; i++) bus.publish(`x.${i}`, {});
    bus.publish('y.0', {});
    await bus.delivered();
    expect(seen.size).toBe(1500);
  });

  it('delivers in publish order across turns', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => {
      seen.push(e.type);
      if (e.type === 'a') bus.publish('c', {});
    });
    bus.publish('a', {});
    bus.publish('b', {});
    await bus.delivered();
    await bus.delivered();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('keeps publishing when a listener throws', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('bad listener');
    });
    bus.subscribe((e) => seen.push(e.type));
    expect(() => bus.publish('x', {})).not.toThrow();
    await bus.delivered();
    expect(seen).toEqual(['x']);
  });

  it('gives events of other replicas only to listeners that asked for them', async () => {
    const bus = new EventBus();
    const local: HubEvent[] = [];
    const everywhere: HubEvent[] = [];
    bus.subscribe((e) => local.push(e));
    bus.subscribe((e) => everywhere.push(e), ['mcp.'], { remote: true });
    bus.publish('mcp.server.state', { to: 'connected' }, 'a');
    bus.receive({ type: 'mcp.server.state', subject: 'b', time: new Date().toISOString(), data: { to: 'failed' }, origin: 'replica-2' });
    await bus.delivered();
    expect(local.map((e) => e.subject)).toEqual(['a']);
    expect(everywhere.map((e) => [e.subject, e.origin])).toEqual([
      ['a', undefined],
      ['b', 'replica-2'],
    ]);
  });

  it('knows which event types its listeners want from other replicas', () => {
    const bus = new EventBus();
    let changes = 0;
    bus.onRemoteInterestChange(() => changes++);
    bus.subscribe(() => undefined, ['ml.']);
    expect(bus.remoteInterest()).toEqual([]);
    const stream = bus.subscribe(() => undefined, ['telemetry.anomaly', 'mcp.'], { remote: true });
    bus.subscribe(() => undefined, ['mcp.catalog.changed'], { remote: true });
    expect(bus.remoteInterest()).toEqual(['mcp.', 'mcp.catalog.changed', 'telemetry.anomaly']);
    const everything = bus.subscribe(() => undefined, [], { remote: true });
    expect(bus.remoteInterest()).toEqual(['']);
    everything();
    stream();
    expect(bus.remoteInterest()).toEqual(['mcp.catalog.changed']);
    expect(changes).toBe(5);
  });
});
