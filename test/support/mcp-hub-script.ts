/**
 * A script written against mcp-hub 4.2.1's documented REST API (its README and routes), as users of
 * mcp-hub write them: list servers, show one, stop it, start it, call a tool, refresh. It knows
 * nothing of this hub; the compatibility test runs it against both and compares what it prints.
 */
import type { Json } from './http';

async function call(base: string, method: 'GET' | 'POST', path: string, body?: object): Promise<Json> {
  const response = await fetch(`${base}/api${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json()) as Json;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function waitForStatus(base: string, server: string, status: string): Promise<Json> {
  for (let i = 0; i < 900; i++) {
    const { server: info } = await call(base, 'POST', '/servers/info', { server_name: server });
    if (info.status === status) return info;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${server} did not reach ${status}`);
}

/** What the script prints (as one JSON document): only what the routes answered. */
export async function runMcpHubScript(base: string, server: string, tool: { name: string; arguments: object }): Promise<Json> {
  await waitForStatus(base, server, 'connected');
  const listed = await call(base, 'GET', '/servers');
  const info = await call(base, 'POST', '/servers/info', { server_name: server });
  const stopped = await call(base, 'POST', '/servers/stop', { server_name: server });
  const started = await call(base, 'POST', '/servers/start', { server_name: server });
  const connected = await waitForStatus(base, server, 'connected');
  const called = await call(base, 'POST', '/servers/tools', { server_name: server, tool: tool.name, arguments: tool.arguments });
  const refreshed = await call(base, 'GET', '/refresh');
  return {
    servers: listed.servers.map((s: Json) => ({ name: s.name, status: s.status, transportType: s.transportType, tools: s.capabilities.tools.length > 0, source: typeof s.config_source })),
    listedAt: typeof listed.timestamp,
    info: { name: info.server.name, displayName: info.server.displayName, status: info.server.status, offers: info.server.capabilities.tools.some((t: Json) => t.name === tool.name), serverInfo: info.server.serverInfo?.name, uptime: typeof info.server.uptime, lastStarted: typeof info.server.lastStarted, keys: Object.keys(info.server) },
    stopped: { status: stopped.status, server: stopped.server.status, error: stopped.server.error === null ? null : typeof stopped.server.error, tools: stopped.server.capabilities.tools.length },
    started: { status: started.status, name: started.server.name },
    connected: { status: connected.status, tools: connected.capabilities.tools.length > 0 },
    called: { content: called.result.content, timestamp: typeof called.timestamp },
    refreshed: { status: refreshed.status, servers: refreshed.servers.map((s: Json) => [s.name, s.status]) },
  };
}
