import type { SessionScope } from './mcp-sessions.service';

export type McpRoute =
  | { kind: 'streamable'; scope: SessionScope }
  | { kind: 'legacy-stream' }
  | { kind: 'legacy-message'; sessionId: string | null };

/** The MCP route of a request, or undefined when the REST app should serve it. */
export function mcpRoute(method: string | undefined, url: string | undefined): McpRoute | undefined {
  if (!url) return undefined;
  const queryAt = url.indexOf('?');
  let path = queryAt < 0 ? url : url.slice(0, queryAt);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path === '/mcp') return { kind: 'streamable', scope: { kind: 'aggregate' } };
  if (path === '/sse') return method === 'GET' ? { kind: 'legacy-stream' } : undefined;
  if (path === '/messages') return method === 'POST' ? { kind: 'legacy-message', sessionId: new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1)).get('sessionId') } : undefined;
  const named = /^\/mcp\/(servers|profiles)\/([^/]+)$/.exec(path);
  if (!named) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(named[2]);
  } catch {
    return undefined;
  }
  return { kind: 'streamable', scope: named[1] === 'servers' ? { kind: 'server', server: name } : { kind: 'profile', profile: name } };
}
