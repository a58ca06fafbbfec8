import { mcpRoute } from './mcp-routes';

describe('mcpRoute', () => {
  it('finds the MCP endpoints, with or without a trailing slash or a query', () => {
    expect(mcpRoute('POST', '/mcp')).toEqual({ kind: 'streamable', scope: { kind: 'aggregate' } });
    expect(mcpRoute('GET', '/mcp/?x=1')).toEqual({ kind: 'streamable', scope: { kind: 'aggregate' } });
    expect(mcpRoute('DELETE', '/mcp/servers/everything')).toEqual({ kind: 'streamable', scope: { kind: 'server', server: 'everything' } });
    expect(mcpRoute('POST', '/mcp/profiles/read%20only')).toEqual({ kind: 'streamable', scope: { kind: 'profile', profile: 'read only' } });
    expect(mcpRoute('GET', '/sse')).toEqual({ kind: 'legacy-stream' });
    expect(mcpRoute('POST', '/messages?sessionId=abc')).toEqual({ kind: 'legacy-message', sessionId: 'abc' });
    expect(mcpRoute('POST', '/messages')).toEqual({ kind: 'legacy-message', sessionId: null });
  });

  it('leaves everything else to the REST app', () => {
    for (const [method, url] of [
      ['GET', '/api/health'],
      ['GET', '/mcpx'],
      ['POST', '/sse'],
      ['GET', '/messages'],
      ['GET', '/mcp/servers'],
      ['GET', '/mcp/servers/a/b'],
      ['GET', '/mcp/tools/x'],
      ['GET', '/mcp/servers/%E0%A4%A'],
      ['GET', undefined],
    ] as const) {
      expect({ method, url, route: mcpRoute(method, url) }).toEqual({ method, url, route: undefined });
    }
  });
});
