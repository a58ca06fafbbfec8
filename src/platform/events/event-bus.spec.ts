import { EventBus } from './event-bus';
import { HubEvent } from './hub-event';

describe('EventBus', () => {
  it('delivers events to subscribers filtered by type prefix', () => {
    const bus = new EventBus();
    const all: HubEvent[] = [];
    const mcp: HubEvent[] = [];
    bus.subscribe((e) => all.push(e));
    const unsubscribe = bus.subscribe((e) => mcp.push(e), ['mcp.']);
    bus.publish('mcp.server.state', { to: 'connected' }, 'everything');
    bus.publish('ml.job.queued', { id: 1 });
    unsubscribe();
    bus.publish('mcp.tool.call', { ok: true });
    expect(all.map((e) => e.type)).toEqual(['mcp.server.state', 'ml.job.queued', 'mcp.tool.call']);
    expect(mcp).toHaveLength(1);
    expect(mcp[0]).toMatchObject({ type: 'mcp.server.state', subject: 'everything', data: { to: 'connected' } });
    expect(Date.parse(mcp[0].time)).not.toBeNaN();
  });

  it('keeps publishing when a listener throws', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('bad listener');
    });
    bus.subscribe((e) => seen.push(e.type));
    expect(() => bus.publish('x', {})).not.toThrow();
    expect(seen).toEqual(['x']);
  });
});
