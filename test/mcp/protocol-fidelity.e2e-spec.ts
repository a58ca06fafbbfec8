import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResult, McpError } from '@modelcontextprotocol/sdk/types.js';
import { HubFixture } from '../support/hub-fixture';
import { EVERYTHING_BIN } from '../support/mcp-servers';
import { PROBE_BIN, probeServer } from '../support/probe-servers';

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

async function errorOf(work: Promise<unknown>): Promise<McpError> {
  try {
    await work;
  } catch (error) {
    return error as McpError;
  }
  throw new Error('expected the request to fail');
}

describe('what the hub passes on unchanged: errors, fields, instructions, and lists that fail or collide', () => {
  let fixture: HubFixture;
  let direct: Client;
  let directProbe: Client;
  const clients: Client[] = [];

  async function connect(path: string): Promise<Client> {
    const client = new Client({ name: 'fidelity-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url(path))));
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    fixture = await HubFixture.start(
      'fidelity',
      {
        mcpServers: {
          everything: { command: process.execPath, args: [EVERYTHING_BIN] },
          // alpha and beta both list probe://shared/readme; beta's templates/list fails with -32601
          alpha: probeServer({ PROBE_NAME: 'alpha', PROBE_RESOURCE_URI: 'probe://shared/readme', PROBE_INSTRUCTIONS: 'Alpha answers in lower case.' }),
          beta: probeServer({ PROBE_NAME: 'beta', PROBE_RESOURCE_URI: 'probe://shared/readme', PROBE_FAIL_TEMPLATES: 'true' }),
        },
        profiles: { alpha_only: { servers: ['alpha'] } },
      },
      { ready: ['everything', 'alpha', 'beta'], env: { MCP_LIST_PAGE_SIZE: '7' } },
    );
    direct = new Client({ name: 'fidelity-test', version: '1.0.0' });
    await direct.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_BIN], stderr: 'ignore' }));
    directProbe = new Client({ name: 'fidelity-test', version: '1.0.0' });
    await directProbe.connect(new StdioClientTransport({ command: process.execPath, args: [PROBE_BIN], env: { ...getDefaultEnvironment(), PROBE_NAME: 'alpha' }, stderr: 'ignore' }));
  });

  afterAll(async () => {
    await Promise.all([...clients, direct, directProbe].map((c) => c?.close().catch(() => undefined)));
    await fixture?.stop();
  });

  it('passes upstream errors on with their code and message as the upstream sent them, on /mcp/servers/:name and /mcp', async () => {
    const straight = await errorOf(direct.getPrompt({ name: 'no-such-prompt' }));
    const proxied = await errorOf((await connect('/mcp/servers/everything')).getPrompt({ name: 'no-such-prompt' }));
    expect(proxied.code).toBe(straight.code);
    expect(proxied.message).toBe(straight.message);

    const aggregate = await connect('/mcp');
    const missing = await errorOf(aggregate.readResource({ uri: 'probe://alpha/notes-missing' }));
    expect(missing.message).toMatch(/No upstream server offers the resource/);
    const straightProbe = await errorOf(directProbe.readResource({ uri: 'probe://alpha/elsewhere' }));
    const notFound = await errorOf(aggregate.readResource({ uri: 'mcp-hub://alpha/probe://alpha/elsewhere' }));
    expect({ code: notFound.code, message: notFound.message, data: notFound.data }).toEqual({ code: -32002, message: straightProbe.message, data: { uri: 'probe://alpha/elsewhere' } });
  });

  it('answers arguments that do not fit the schema with an isError result naming the field, without calling the upstream (SEP-1303)', async () => {
    const client = await connect('/mcp');
    const result = (await client.callTool({ name: 'alpha__strict', arguments: { count: 'three' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    // the hub's words: had the call reached the probe, it would have answered "count must be a number"
    expect(text(result)).toBe('Invalid arguments for tool alpha__strict: arguments.count: must be number');
    const missing = (await client.callTool({ name: 'alpha__echo', arguments: {} })) as CallToolResult;
    expect(text(missing)).toBe("Invalid arguments for tool alpha__echo: arguments.text: must have required property 'text'");
    // the meta-tools answer the same way
    const search = (await client.callTool({ name: 'hub__search_tools', arguments: { query: ' ' } })) as CallToolResult;
    expect(search).toMatchObject({ isError: true, content: [{ text: 'Invalid arguments for tool hub__search_tools: arguments.query: must be a non-empty string' }] });
    // an unknown tool is still a protocol error
    expect((await errorOf(client.callTool({ name: 'alpha__nope', arguments: {} }))).code).toBe(-32602);
  });

  it('passes on every field of tools, resources, templates and prompts, and the upstream instructions', async () => {
    const proxied = await connect('/mcp/servers/alpha');
    const aggregate = await connect('/mcp/profiles/alpha_only');
    const expected = { title: 'Echo', icons: [{ src: 'https://example.com/probe.png', mimeType: 'image/png', sizes: ['48x48'] }], execution: { taskSupport: 'forbidden' }, _meta: { 'probe/kind': 'echo' } };
    expect((await proxied.listTools()).tools.find((t) => t.name === 'echo')).toMatchObject(expected);
    expect((await aggregate.listTools()).tools.find((t) => t.name === 'alpha__echo')).toMatchObject(expected);
    expect((await aggregate.listResources()).resources).toEqual([
      { uri: 'probe://shared/readme', name: 'readme', title: 'alpha readme', mimeType: 'text/plain', icons: expected.icons, _meta: { 'probe/server': 'alpha' } },
    ]);
    expect((await aggregate.listResourceTemplates()).resourceTemplates).toEqual([{ uriTemplate: 'probe://alpha/notes/{id}', name: 'note', title: 'alpha note', mimeType: 'text/plain' }]);
    expect((await aggregate.listPrompts()).prompts).toEqual([{ name: 'alpha__greet', title: 'Greet from alpha', description: 'A greeting', arguments: [{ name: 'who', required: true }], icons: expected.icons }]);
    expect(proxied.getInstructions()).toBe('Alpha answers in lower case.');
    expect(aggregate.getInstructions()).toMatch(/aggregates several MCP servers[\s\S]*## alpha\nAlpha answers in lower case\./);
  });

  it('lists prompts of a profile only from its servers (SDK listPrompts works)', async () => {
    const profile = await connect('/mcp/profiles/alpha_only');
    const { prompts } = await profile.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['alpha__greet']);
    expect(text({ content: (await profile.getPrompt({ name: 'alpha__greet', arguments: { who: 'Ann' } })).messages.map((m) => m.content) })).toBe('Hello Ann from alpha');
    await expect(profile.getPrompt({ name: 'beta__greet', arguments: { who: 'Ann' } })).rejects.toThrow(/Unknown prompt: beta__greet/);
  });

  it('serves the rest of a catalog when one list method fails', async () => {
    const { body } = await fixture.api.get('/api/servers/beta');
    expect(body).toMatchObject({ state: 'connected', catalog: { tools: 11, resources: 1, resourceTemplates: 0, prompts: 1 } });
    const client = await connect('/mcp');
    expect(text(await client.callTool({ name: 'beta__echo', arguments: { text: 'hi' } }))).toBe('beta: hi');
  });

  it('keeps colliding resource URIs reachable: each is listed addressed at its server, the bare URI goes to the first server', async () => {
    const client = await connect('/mcp');
    const all: { uri: string; name: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listResources({ cursor });
      all.push(...page.resources);
      cursor = page.nextCursor;
    } while (cursor);
    const shared = all.filter((r) => r.uri.includes('probe://shared/readme')).map((r) => r.uri);
    expect(shared).toEqual(['mcp-hub://alpha/probe://shared/readme', 'mcp-hub://beta/probe://shared/readme']);
    const fromBeta = await client.readResource({ uri: 'mcp-hub://beta/probe://shared/readme' });
    expect(fromBeta.contents).toEqual([{ uri: 'mcp-hub://beta/probe://shared/readme', mimeType: 'text/plain', text: 'from beta' }]);
    expect((await client.readResource({ uri: 'probe://shared/readme' })).contents[0]).toMatchObject({ text: 'from alpha' });
  });

  it('pages tools/list, prompts/list and resources/list with opaque cursors, and refuses a cursor it did not hand out', async () => {
    const client = await connect('/mcp');
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listTools({ cursor });
      expect(page.tools.length).toBeLessThanOrEqual(7);
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['alpha__echo', 'beta__echo', 'everything__echo', 'hub__call_tool']));
    expect(pages).toBe(Math.ceil(names.length / 7));

    const bad = await errorOf(client.listTools({ cursor: 'not-a-cursor' }));
    expect(bad.code).toBe(-32602);
    const foreign = (await client.listResources()).nextCursor!;
    expect((await errorOf(client.listTools({ cursor: foreign }))).code).toBe(-32602);
    const prompts = await client.listPrompts();
    expect(prompts.prompts.length).toBeLessThanOrEqual(7);
  });
});

