import { toMcpHubEvents } from './mcp-hub-events';

const at = '2026-11-30T10:00:00.000Z';

describe('toMcpHubEvents', () => {
  it('turns a state change into servers_updated naming the server', () => {
    expect(toMcpHubEvents({ type: 'mcp.server.state', subject: 'mem', time: at, data: { server: 'mem', from: 'connecting', to: 'connected' } })).toEqual([
      { event: 'subscription_event', data: { type: 'servers_updated', changes: { modified: ['mem'] }, timestamp: at } },
    ]);
  });

  it('turns a changed catalog into the three list events and a reload into config_changed + servers_updated', () => {
    expect(toMcpHubEvents({ type: 'mcp.catalog.changed', time: at, data: { server: 'mem' } }).map((e) => e.data.type)).toEqual(['tool_list_changed', 'resource_list_changed', 'prompt_list_changed']);
    const reload = toMcpHubEvents({ type: 'mcp.config.reloaded', time: at, data: { added: ['b'], removed: [], changed: ['a'], unchanged: ['c'] } });
    expect(reload.map((e) => e.data)).toEqual([
      { type: 'config_changed', isSignificant: true, timestamp: at },
      { type: 'servers_updated', changes: { added: ['b'], removed: [], modified: ['a'], unchanged: ['c'] }, timestamp: at },
    ]);
    expect(toMcpHubEvents({ type: 'mcp.config.reloaded', time: at, data: { added: [], removed: [], changed: [], unchanged: ['c'] } })).toHaveLength(1);
  });

  it('leaves out what mcp-hub has no event for', () => {
    expect(toMcpHubEvents({ type: 'mcp.tool.call', time: at, data: {} })).toEqual([]);
  });
});
