import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResult, LoggingMessageNotificationSchema, Progress, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { CountingProxy } from '../support/counting-proxy';
import { HubApi } from '../support/hub-api';
import { HubProcess, ROOT, sleep } from '../support/hub-process';
import { EVERYTHING_BIN, EverythingHttpServer, MEMORY_BIN } from '../support/mcp-servers';
import { HubFixture } from '../support/hub-fixture';
import { inspectorCli } from '../support/inspector-cli';

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

describe('the hub as one MCP server (SDK clients over Streamable HTTP and SSE)', () => {
  let fixture: HubFixture;
  let dir: string;
  let http: EverythingHttpServer;
  let proxy: CountingProxy;
  let hub: HubProcess;
  let api: HubApi;
  const clients: Client[] = [];

  async function connect(path: string, kind: 'streamable-http' | 'sse' = 'streamable-http'): Promise<Client> {
    const client = new Client({ name: 'gateway-test', version: '1.0.0' });
    const url = new URL(hub.url(path));
    await client.connect(kind === 'sse' ? new SSEClientTransport(url) : new StreamableHTTPClientTransport(url));
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    http = await EverythingHttpServer.started();
    proxy = await CountingProxy.inFrontOf(http.url);
    fixture = await HubFixture.start(
      'gateway',
      (folder) => ({
        mcpServers: {
          everything: { command: process.execPath, args: [EVERYTHING_BIN] },
          remote: { url: proxy.url, type: 'streamable-http' },
          memory: { command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(folder, 'memory.jsonl') } },
        },
        profiles: { reader: { servers: ['everything', 'memory'], tools: { include: ['everything__get-*', 'memory__read_*'], exclude: ['everything__get-env'] } } },
      }),
      // the test adds a stdio server over REST
      { ready: ['everything', 'remote', 'memory'], env: { ALLOW_REST_STDIO_SERVERS: 'true' } },
    );
    ({ hub, api, dir } = fixture);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await fixture?.stop();
    await proxy?.stop();
    await http?.stop();
  });

  it('lists every upstream tool as <server>__<tool> plus the meta-tools, and calls them', async () => {
    const client = await connect('/mcp');
    expect(client.getServerVersion()?.name).toBe('mcp-hub');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-sum', 'remote__echo', 'memory__read_graph', 'memory__create_entities', 'hub__list_servers', 'hub__search_tools', 'hub__call_tool']));
    expect(tools.find((t) => t.name === 'everything__get-sum')?.inputSchema).toMatchObject({ properties: { a: { type: 'number' } } });

    expect(text(await client.callTool({ name: 'everything__echo', arguments: { message: 'via hub' } }))).toBe('Echo: via hub');
    expect(text(await client.callTool({ name: 'everything__get-sum', arguments: { a: 20, b: 22 } }))).toContain('42');
    await client.callTool({ name: 'memory__create_entities', arguments: { entities: [{ name: 'hub', entityType: 'service', observations: ['aggregates servers'] }] } });
    expect(text(await client.callTool({ name: 'memory__read_graph', arguments: {} }))).toContain('aggregates servers');
  });

  it('turns bad arguments and unknown tools into MCP errors, and carries upstream messages', async () => {
    const client = await connect('/mcp');
    expect(await client.callTool({ name: 'everything__get-sum', arguments: { a: 'x', b: 1 } })).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/arguments\.a: must be number/) }] });
    await expect(client.callTool({ name: 'nope__nothing', arguments: {} })).rejects.toThrow(/-32602.*Unknown tool: nope__nothing/);
    await expect(client.readResource({ uri: 'demo://resource/no-such-thing' })).rejects.toThrow(/No upstream server offers|not found/i);
  });

  it('offers meta-tools: server states, BM25 tool search, and calling any tool by full name', async () => {
    const client = await connect('/mcp');
    const servers = (await client.callTool({ name: 'hub__list_servers', arguments: {} })).structuredContent as { servers: { name: string; state: string }[] };
    expect(servers.servers.map((s) => `${s.name}:${s.state}`)).toEqual(expect.arrayContaining(['everything:connected', 'remote:connected', 'memory:connected']));

    const found = (await client.callTool({ name: 'hub__search_tools', arguments: { query: 'sum of two numbers', limit: 3 } })).structuredContent as { tools: { name: string; inputSchema: object }[] };
    expect(found.tools[0].name).toMatch(/__get-sum$/);
    expect(found.tools[0].inputSchema).toMatchObject({ type: 'object' });

    expect(text(await client.callTool({ name: 'hub__call_tool', arguments: { name: found.tools[0].name, arguments: { a: 1, b: 2 } } }))).toContain('3');
  });

  it('routes resources, templates and prompts back to their server', async () => {
    const client = await connect('/mcp');
    const { resources } = await client.listResources();
    // everything and remote (the same server over HTTP) list the same demo:// URIs: each is listed addressed at its server
    const resource = resources.find((r) => r.uri.startsWith('mcp-hub://remote/demo://'))!;
    expect(resources.some((r) => r.uri === resource.uri.replace('mcp-hub://remote/', 'mcp-hub://everything/'))).toBe(true);
    const read = await client.readResource({ uri: resource.uri });
    expect(read.contents[0].uri).toBe(resource.uri);
    expect((await client.readResource({ uri: resource.uri.replace('mcp-hub://remote/', '') })).contents[0].uri).toBe(resource.uri.replace('mcp-hub://remote/', ''));
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.length).toBeGreaterThan(0);
    const { prompts } = await client.listPrompts();
    const simple = prompts.find((p) => p.name.startsWith('everything__') && !(p.arguments ?? []).some((a) => a.required))!;
    const rendered = await client.getPrompt({ name: simple.name });
    expect(rendered.messages.length).toBeGreaterThan(0);

    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true }, completions: {} });
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument: { name: 'department', value: 'E' } });
    expect(completion.completion.values).toContain('Engineering');
  });

  it('forwards progress notifications of a long-running tool', async () => {
    const client = await connect('/mcp');
    const progress: Progress[] = [];
    const result = await client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 1, steps: 4 } }, undefined, { onprogress: (p) => progress.push(p) });
    expect(text(result)).toMatch(/completed/i);
    // the SDK client handles a notification one microtask after a response that arrived with it, so the
    // last step's progress can be dropped by any SDK client (a direct stdio client loses it too)
    const steps = progress.map((p) => p.progress);
    expect(steps.slice(0, 3)).toEqual([1, 2, 3]);
    expect(steps.length).toBeLessThanOrEqual(4);
    expect(progress.every((p) => p.total === 4)).toBe(true);
  });

  it('passes a cancellation on to the upstream', async () => {
    const client = await connect('/mcp');
    const controller = new AbortController();
    const cancelledBefore = proxy.count('notifications/cancelled');
    let sawProgress = false;
    const call = client.callTool({ name: 'remote__trigger-long-running-operation', arguments: { duration: 20, steps: 20 } }, undefined, {
      signal: controller.signal,
      onprogress: () => {
        sawProgress = true;
      },
    });
    while (!sawProgress) await sleep(20);
    controller.abort('the user changed their mind');
    await expect(call).rejects.toThrow();
    for (let i = 0; i < 100 && proxy.count('notifications/cancelled') === cancelledBefore; i++) await sleep(20);
    expect(proxy.count('notifications/cancelled')).toBe(cancelledBefore + 1);
  });

  it('sends tools/list_changed to connected clients when an upstream is added', async () => {
    const client = await connect('/mcp');
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      changed++;
    });
    const created = await api.send('POST', '/api/servers', { name: 'late-memory', command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(dir, 'late.jsonl') } });
    expect(created.status).toBe(201);
    for (let i = 0; i < 200 && changed === 0; i++) await sleep(25);
    expect(changed).toBeGreaterThan(0);
    let names: string[] = [];
    for (let i = 0; i < 100 && !names.includes('late-memory__read_graph'); i++) {
      names = (await client.listTools()).tools.map((t) => t.name);
      await sleep(25);
    }
    expect(names).toContain('late-memory__read_graph');
  });

  it('forwards upstream log messages', async () => {
    const client = await connect('/mcp');
    const messages: { logger?: string }[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, async (n) => void messages.push(n.params));
    await client.callTool({ name: 'everything__toggle-simulated-logging', arguments: {} });
    for (let i = 0; i < 200 && messages.length === 0; i++) await sleep(25);
    await client.callTool({ name: 'everything__toggle-simulated-logging', arguments: {} });
    expect(messages[0].logger).toMatch(/^everything/);
  });

  it('serves the legacy HTTP+SSE transport at /sse', async () => {
    const client = await connect('/sse', 'sse');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('memory__read_graph');
    expect(text(await client.callTool({ name: 'everything__echo', arguments: { message: 'old transport' } }))).toBe('Echo: old transport');
  });

  it('serves desktop clients over stdio through `mcp-hub stdio`', async () => {
    const client = new Client({ name: 'desktop', version: '1.0.0' });
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(ROOT, 'dist/src/cli/main.js'), 'stdio', '--url', hub.url('/mcp')], stderr: 'pipe' });
    await client.connect(transport);
    clients.push(client);
    expect(client.getServerVersion()?.name).toBe('mcp-hub');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'memory__read_graph']));
    expect(text(await client.callTool({ name: 'everything__echo', arguments: { message: 'from a desktop' } }))).toBe('Echo: from a desktop');
    expect(text(await client.callTool({ name: 'memory__read_graph', arguments: {} }))).toContain('entities');
    const progress: Progress[] = [];
    await client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 1, steps: 3 } }, undefined, { onprogress: (p) => progress.push(p) });
    expect(progress.slice(0, 2).map((p) => p.progress)).toEqual([1, 2]);
  });

  it('proxies one upstream unprefixed at /mcp/servers/:name, as if talking to it directly', async () => {
    const client = await connect('/mcp/servers/everything');
    expect(client.getServerVersion()?.name).toBe('mcp-servers/everything');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(tools.some((t) => t.name.includes('__'))).toBe(false);
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'direct-ish' } }))).toBe('Echo: direct-ish');
    const progress: Progress[] = [];
    await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 3 } }, undefined, { onprogress: (p) => progress.push(p) });
    expect(progress.slice(0, 2).map((p) => p.progress)).toEqual([1, 2]);
  });

  it('works with the MCP Inspector CLI: lists and calls a tool through /mcp', async () => {
    const listed = (await inspectorCli(hub.url('/mcp'), ['--transport', 'http', '--method', 'tools/list'])) as { tools: { name: string }[] };
    expect(listed.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['everything__get-sum', 'hub__search_tools']));
    const called = (await inspectorCli(hub.url('/mcp'), ['--transport', 'http', '--method', 'tools/call', '--tool-name', 'everything__get-sum', '--tool-arg', 'a=19', '--tool-arg', 'b=23'])) as CallToolResult;
    expect(text(called)).toBe('The sum of 19 and 23 is 42.');
  });

  it('serves a profile: only its servers and the tools its globs allow', async () => {
    const client = await connect('/mcp/profiles/reader');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__get-sum', 'memory__read_graph', 'hub__search_tools']));
    expect(names.filter((n) => !n.startsWith('hub__')).every((n) => /^(everything__get-|memory__read_)/.test(n))).toBe(true);
    expect(names).not.toContain('everything__get-env');
    expect(names).not.toContain('remote__echo');
    expect(text(await client.callTool({ name: 'everything__get-sum', arguments: { a: 1, b: 1 } }))).toContain('2');
    await expect(client.callTool({ name: 'everything__echo', arguments: { message: 'x' } })).rejects.toThrow(/Unknown tool: everything__echo/);
    await expect(client.callTool({ name: 'hub__call_tool', arguments: { name: 'remote__echo', arguments: { message: 'x' } } })).rejects.toThrow(/Unknown tool/);
    const found = (await client.callTool({ name: 'hub__search_tools', arguments: { query: 'echo message' } })).structuredContent as { tools: { name: string }[] };
    expect(found.tools.every((t) => /^(everything__get-|memory__read_)/.test(t.name))).toBe(true);

    expect((await api.get('/api/profiles')).body).toEqual([
      { name: 'reader', servers: ['everything', 'memory'], include: ['everything__get-*', 'memory__read_*'], exclude: ['everything__get-env'], missingServers: [], endpoint: '/mcp/profiles/reader' },
    ]);
    const unknown = await fetch(hub.url('/mcp/profiles/nope'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    expect(unknown.status).toBe(404);
  });

  it('answers session errors the way the transport specifies', async () => {
    const noSession = await fetch(hub.url('/mcp'), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(noSession.status).toBe(400);
    const unknown = await fetch(hub.url('/mcp'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'not-a-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(unknown.status).toBe(404);
    const missingServer = await fetch(hub.url('/mcp/servers/no-such-server'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    expect(missingServer.status).toBe(404);
  });
});
