#!/usr/bin/env node
'use strict';
/**
 * A small MCP server for the hub's protocol tests, over stdio, or over Streamable HTTP when
 * PROBE_HTTP_PORT is set (one SDK server per session there). It asks its client for sampling,
 * elicitation and roots, logs, reports progress, notifies resource updates, and says which process
 * and which client session it runs in.
 *
 * PROBE_NAME              its name, and the text its resource holds (default "probe")
 * PROBE_RESOURCE_URI      the URI of its one resource (default "probe://<name>/readme")
 * PROBE_FAIL_TEMPLATES    "true": declares resources but answers resources/templates/list with -32601
 * PROBE_INSTRUCTIONS      its instructions
 * PROBE_MAX_SESSIONS      over HTTP: initialize requests beyond this many sessions get 503
 */
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { Server } = require('@modelcontextprotocol/sdk/server/index.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const t = require('@modelcontextprotocol/sdk/types.js');

const NAME = process.env.PROBE_NAME || 'probe';
const RESOURCE_URI = process.env.PROBE_RESOURCE_URI || `probe://${NAME}/readme`;
const FAIL_TEMPLATES = process.env.PROBE_FAIL_TEMPLATES === 'true';
const ICONS = [{ src: 'https://example.com/probe.png', mimeType: 'image/png', sizes: ['48x48'] }];

const TOOLS = [
  {
    name: 'echo',
    title: 'Echo',
    description: 'Answers with its text',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    icons: ICONS,
    execution: { taskSupport: 'forbidden' },
    _meta: { 'probe/kind': 'echo' },
  },
  { name: 'whoami', description: 'Its process id, the client it was initialised by, its subscriptions and the id of this request', inputSchema: { type: 'object', properties: {} } },
  { name: 'environment', description: 'Its arguments and its PH_* environment variables', inputSchema: { type: 'object', properties: {} } },
  { name: 'ask-sampling', description: 'Asks the client to sample a message', inputSchema: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] } },
  { name: 'ask-elicitation', description: 'Asks the client to fill a form', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } },
  { name: 'ask-url-elicitation', description: 'Asks the client to open a URL', inputSchema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } },
  { name: 'ask-roots', description: "Lists the client's roots", inputSchema: { type: 'object', properties: {} } },
  {
    name: 'log',
    description: 'Sends log messages related to this call (one per level given), then answers',
    inputSchema: { type: 'object', properties: { text: { type: 'string' }, levels: { type: 'array', items: { type: 'string' } } }, required: ['text'] },
  },
  { name: 'progress', description: 'Reports progress steps, then answers', inputSchema: { type: 'object', properties: { steps: { type: 'integer' } } } },
  { name: 'touch', description: 'Notifies that its resource was updated', inputSchema: { type: 'object', properties: {} } },
  { name: 'strict', description: 'Accepts a count (number) that its schema says; fails on its own for others', inputSchema: { type: 'object', properties: { count: { type: 'number' } }, required: ['count'] } },
];

const { setTimeout: sleep } = require('node:timers/promises');
const text = (value) => ({ content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }] });

function createServer(sessionLabel) {
  const subscriptions = new Set();
  const server = new Server(
    { name: `probe-${NAME}`, version: '1.0.0', title: `Probe ${NAME}` },
    {
      capabilities: { tools: {}, resources: { subscribe: true }, prompts: {}, logging: {} },
      instructions: process.env.PROBE_INSTRUCTIONS,
    },
  );

  server.setRequestHandler(t.ListToolsRequestSchema, async () => ({ tools: TOOLS }));
  server.setRequestHandler(t.CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments || {};
    switch (request.params.name) {
      case 'echo':
        return text(`${NAME}: ${args.text}`);
      case 'whoami':
        return text({ pid: process.pid, session: sessionLabel, client: server.getClientVersion(), capabilities: server.getClientCapabilities(), subscriptions: [...subscriptions], request: extra.requestId });
      case 'environment':
        return text({ argv: process.argv.slice(2), env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('PH_'))) });
      case 'ask-sampling': {
        const result = await extra.sendRequest(
          { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: args.prompt } }], maxTokens: 50 } },
          t.CreateMessageResultSchema,
        );
        return text({ sampled: result });
      }
      case 'ask-elicitation': {
        const result = await extra.sendRequest(
          { method: 'elicitation/create', params: { mode: 'form', message: args.message, requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
          t.ElicitResultSchema,
        );
        return text({ elicited: result });
      }
      case 'ask-url-elicitation': {
        const result = await extra.sendRequest(
          { method: 'elicitation/create', params: { mode: 'url', message: 'Open this page', url: args.url, elicitationId: randomUUID() } },
          t.ElicitResultSchema,
        );
        return text({ elicited: result });
      }
      case 'ask-roots': {
        const result = await extra.sendRequest({ method: 'roots/list' }, t.ListRootsResultSchema);
        return text(result);
      }
      case 'log': {
        for (const level of args.levels || ['info']) {
          await extra.sendNotification({ method: 'notifications/message', params: { level, logger: NAME, data: `${args.text} (${level})` } });
        }
        return text('logged');
      }
      case 'progress': {
        const token = request.params._meta && request.params._meta.progressToken;
        const steps = args.steps || 3;
        for (let i = 1; i <= steps && token !== undefined; i++) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: steps } });
          await sleep(5);
        }
        return text(`${steps} steps`);
      }
      case 'touch':
        await server.sendResourceUpdated({ uri: RESOURCE_URI });
        return text('touched');
      case 'strict':
        return typeof args.count === 'number' ? text(`count ${args.count}`) : { content: [{ type: 'text', text: 'count must be a number' }], isError: true };
      default:
        throw new t.McpError(t.ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
    }
  });

  server.setRequestHandler(t.ListResourcesRequestSchema, async () => ({
    resources: [{ uri: RESOURCE_URI, name: 'readme', title: `${NAME} readme`, mimeType: 'text/plain', icons: ICONS, _meta: { 'probe/server': NAME } }],
  }));
  server.setRequestHandler(t.ListResourceTemplatesRequestSchema, async () => {
    if (FAIL_TEMPLATES) throw new t.McpError(t.ErrorCode.MethodNotFound, 'Method not found');
    return { resourceTemplates: [{ uriTemplate: `probe://${NAME}/notes/{id}`, name: 'note', title: `${NAME} note`, mimeType: 'text/plain' }] };
  });
  server.setRequestHandler(t.ReadResourceRequestSchema, async (request) => {
    const uri = request.params.uri;
    if (uri !== RESOURCE_URI && !uri.startsWith(`probe://${NAME}/notes/`)) throw new t.McpError(-32002, `Resource ${uri} not found`, { uri });
    return { contents: [{ uri, mimeType: 'text/plain', text: `from ${NAME}` }] };
  });
  server.setRequestHandler(t.SubscribeRequestSchema, async (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  server.setRequestHandler(t.UnsubscribeRequestSchema, async (request) => {
    subscriptions.delete(request.params.uri);
    return {};
  });

  server.setRequestHandler(t.ListPromptsRequestSchema, async () => ({
    prompts: [{ name: 'greet', title: `Greet from ${NAME}`, description: 'A greeting', arguments: [{ name: 'who', required: true }], icons: ICONS }],
  }));
  server.setRequestHandler(t.GetPromptRequestSchema, async (request) => {
    if (request.params.name !== 'greet') throw new t.McpError(t.ErrorCode.InvalidParams, `Prompt ${request.params.name} not found`);
    return { messages: [{ role: 'user', content: { type: 'text', text: `Hello ${request.params.arguments?.who} from ${NAME}` } }] };
  });
  return server;
}

async function serveHttp(port) {
  const sessions = new Map();
  const readBody = (req) =>
    new Promise((resolve, reject) => {
      let data = '';
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => resolve(data ? JSON.parse(data) : undefined));
      req.on('error', reject);
    });
  const httpServer = http.createServer(async (req, res) => {
    try {
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      const id = req.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!transport) {
        if (sessions.size >= Number(process.env.PROBE_MAX_SESSIONS || Infinity)) {
          res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Too many sessions' } }));
          return;
        }
        if (!(req.method === 'POST' && t.isInitializeRequest(body))) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Bad Request: No valid session ID provided' } }));
          return;
        }
        const label = randomUUID();
        transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => label, onsessioninitialized: (sid) => sessions.set(sid, transport) });
        transport.onclose = () => sessions.delete(label);
        await createServer(label).connect(transport);
      }
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  await new Promise((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  process.stderr.write(`probe ${NAME} listening on ${port}\n`);
}

if (process.env.PROBE_HTTP_PORT) {
  void serveHttp(Number(process.env.PROBE_HTTP_PORT));
} else {
  void createServer('stdio').connect(new StdioServerTransport());
}
