import type { HubEvent } from '../../platform/events/hub-event';

/** One server-sent event as mcp-hub 4.2.1 sends it: `event: <name>` and a payload with its `timestamp`. */
export interface McpHubEvent {
  event: 'hub_state' | 'heartbeat' | 'log' | 'subscription_event';
  data: Record<string, unknown>;
}

/** The bus events the mcp-hub stream is made of. */
export const MCP_HUB_SOURCES = ['mcp.server.state', 'mcp.catalog.changed', 'mcp.config.'];

const LIST_EVENTS = ['tool_list_changed', 'resource_list_changed', 'prompt_list_changed'] as const;

/**
 * The mcp-hub events a hub event stands for: a server's state change → `servers_updated`; a changed
 * catalog → the three `*_list_changed` (the hub re-reads a server's lists together); a reload →
 * `config_changed` and `servers_updated` with its changes; a rejected file → an error `log`.
 */
export function toMcpHubEvents(event: HubEvent, timestamp = event.time): McpHubEvent[] {
  const data = event.data;
  const subscription = (type: string, fields: Record<string, unknown>): McpHubEvent => ({ event: 'subscription_event', data: { type, ...fields, timestamp } });
  switch (event.type) {
    case 'mcp.server.state':
      return [subscription('servers_updated', { changes: { modified: [data.server] } })];
    case 'mcp.catalog.changed':
      return LIST_EVENTS.map((type) => subscription(type, { server: data.server }));
    case 'mcp.config.reloaded': {
      const { added = [], removed = [], changed = [], unchanged = [] } = data as Record<string, string[]>;
      const significant = added.length + removed.length + changed.length > 0;
      return [subscription('config_changed', { isSignificant: significant }), ...(significant ? [subscription('servers_updated', { changes: { added, removed, modified: changed, unchanged } })] : [])];
    }
    case 'mcp.config.invalid':
      return [{ event: 'log', data: { type: 'error', message: 'CONFIG_RELOAD_ERROR', data: { problems: data.problems }, timestamp } }];
    default:
      return [];
  }
}
