import type { ServerDefinition } from '../servers-config/server-definition';
import type { ServerState, ServerStatus } from '../upstream/server-state';

/** Server states as mcp-hub 4.2.1 names them. */
export type McpHubStatus = 'connected' | 'connecting' | 'disconnected' | 'unauthorized' | 'disabled';

const STATUS: Record<ServerState, McpHubStatus> = {
  connected: 'connected',
  degraded: 'connected',
  connecting: 'connecting',
  waiting: 'connecting',
  backoff: 'connecting',
  failed: 'disconnected',
  stopped: 'disconnected',
  disabled: 'disabled',
  unauthorized: 'unauthorized',
};

/** A hub state under mcp-hub's name. */
export const mcpHubStatus = (state: ServerState): McpHubStatus => STATUS[state];

export interface McpHubCapabilities {
  tools: object[];
  resources: object[];
  resourceTemplates: object[];
  prompts: object[];
}

/** A server as mcp-hub 4.2.1's REST API and mcphub.nvim show it (same keys, same order). */
export interface McpHubServer {
  name: string;
  displayName: string;
  description: string;
  transportType: 'stdio' | 'sse';
  status: McpHubStatus;
  error: string | null;
  capabilities: McpHubCapabilities;
  uptime: number;
  lastStarted: string | null;
  authorizationUrl: string | null;
  serverInfo: { name: string; version: string } | null;
  config_source: string | null;
}

const EMPTY: McpHubCapabilities = { tools: [], resources: [], resourceTemplates: [], prompts: [] };

/**
 * mcp-hub's view of one server. Its lists are the catalog's (mcp-hub shows them only while connected);
 * every remote server is "sse", as mcp-hub reports it whichever transport it uses.
 */
export function toMcpHubServer(status: ServerStatus, definition: ServerDefinition, capabilities: McpHubCapabilities, authorizationUrl?: string, now = Date.now()): McpHubServer {
  const state = STATUS[status.state];
  const connected = state === 'connected';
  const sinceMs = Date.parse(status.since);
  return {
    name: status.name,
    displayName: definition.displayName ?? status.name,
    description: definition.description ?? '',
    transportType: definition.transport.kind === 'stdio' ? 'stdio' : 'sse',
    status: state,
    // as mcp-hub: the cause of a failure, none for a server stopped on request
    error: status.state === 'failed' ? (status.lastError ?? status.reason) : state === 'disabled' && definition.problems?.length ? status.reason : null,
    capabilities: connected ? capabilities : EMPTY,
    uptime: connected || state === 'disabled' ? Math.max(0, Math.floor((now - sinceMs) / 1000)) : 0,
    lastStarted: connected ? status.since : null,
    authorizationUrl: state === 'unauthorized' ? (authorizationUrl ?? null) : null,
    serverInfo: connected ? (status.serverInfo ?? null) : null,
    config_source: definition.configSource ?? null,
  };
}
