import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = NonNullable<OpenAPIObject['paths'][string]['post']>;

const STREAMABLE =
  'MCP Streamable HTTP (protocol 2025-11-25 and earlier): POST JSON-RPC messages, GET opens the server-to-client SSE stream ' +
  '(resumable with Last-Event-ID), DELETE ends the session. Initialize without Mcp-Session-Id; send the returned Mcp-Session-Id afterwards. ' +
  'Use an MCP client, e.g. `npx @modelcontextprotocol/inspector` with URL http://127.0.0.1:3456/mcp. With AUTH_MODE=api-key a key with the `mcp` scope is required.';

const INITIALIZE_EXAMPLE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'curl', version: '1.0.0' } },
};

const errors = {
  '400': { description: 'Not a JSON-RPC message, a message the MCP schema rejects (its JSON-RPC error: -32600 Invalid Request or -32602 Invalid params), no session, or an unsupported MCP-Protocol-Version' },
  '401': { description: 'API key missing or invalid (AUTH_MODE=api-key)' },
  '403': { description: 'Origin or Host not allowed, key without the mcp scope, or bound to another profile' },
  '404': { description: 'Unknown or expired Mcp-Session-Id' },
  '429': { description: 'Rate limit of the key reached (Retry-After)' },
  '503': { description: 'The session caps are reached (MCP_SESSION_LIMIT: MCP_MAX_SESSIONS, MCP_MAX_SESSIONS_PER_CLIENT) or the hub is shutting down (Retry-After)' },
};

function streamable(summary: string, parameter?: { name: string; description: string; example: string }): OpenAPIObject['paths'][string] {
  const parameters = parameter ? [{ name: parameter.name, in: 'path' as const, required: true, description: parameter.description, schema: { type: 'string' }, example: parameter.example }] : [];
  const session = { name: 'Mcp-Session-Id', in: 'header' as const, required: false, schema: { type: 'string' }, description: 'The session id from the initialize response' };
  const op = (what: string, extra: Partial<Operation> = {}): Operation => ({
    tags: ['mcp'],
    summary: `${summary} — ${what}`,
    description: STREAMABLE,
    parameters: [...parameters, session],
    responses: { '200': { description: 'A JSON-RPC response, or a text/event-stream of JSON-RPC messages' }, ...errors },
    ...extra,
  });
  return {
    post: op('send JSON-RPC messages', {
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' }, example: INITIALIZE_EXAMPLE } } },
      responses: { '200': { description: 'A JSON-RPC response, or a text/event-stream of JSON-RPC messages' }, '202': { description: 'Notifications and responses accepted' }, ...errors },
    }),
    get: op('open the server-to-client event stream', {
      description: `${STREAMABLE}\n\nA GET without Mcp-Session-Id that accepts text/event-stream opens the legacy HTTP+SSE transport instead (as /sse; mcp-hub clients connect this way).`,
      responses: { '200': { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string', example: 'event: endpoint\ndata: /messages?sessionId=6f1c…\n\n' } } } }, ...errors },
    }),
    delete: op('end the session'),
  };
}

/** The MCP endpoints for Swagger: they are served by McpIngress, outside Nest's routing. */
export function mcpOpenApiPaths(): OpenAPIObject['paths'] {
  return {
    '/mcp': streamable('Every upstream server (tools as <server>__<tool>, plus hub__ meta-tools)'),
    '/mcp/servers/{name}': streamable('One upstream server, unprefixed: a transparent proxy', { name: 'name', description: 'Server name', example: 'everything' }),
    '/mcp/profiles/{profile}': streamable('A profile: its servers, and of their tools those its globs allow', { name: 'profile', description: 'Profile name', example: 'readonly' }),
    '/sse': {
      get: {
        tags: ['mcp'],
        summary: 'Legacy HTTP+SSE transport (protocol 2024-11-05): opens the event stream; its first event names the /messages URL to POST to',
        responses: { '200': { description: 'An endless event stream', content: { 'text/event-stream': { schema: { type: 'string', example: 'event: endpoint\ndata: /messages?sessionId=6f1c…\n\n' } } } }, ...errors },
      },
    },
    '/messages': {
      post: {
        tags: ['mcp'],
        summary: 'Legacy HTTP+SSE transport: a JSON-RPC message for the session of /sse',
        parameters: [{ name: 'sessionId', in: 'query', required: true, schema: { type: 'string' }, description: 'From the endpoint event of /sse' }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' }, example: { jsonrpc: '2.0', id: 2, method: 'tools/list' } } } },
        responses: { '202': { description: 'Accepted; the answer arrives on the /sse stream' }, ...errors },
      },
    },
  };
}
