import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { HubFixture } from '../support/hub-fixture';
import { EVERYTHING_BIN } from '../support/mcp-servers';

describe('lazy mode (MCP_LAZY_TOOLS=true)', () => {
  let fixture: HubFixture;
  let client: Client;

  beforeAll(async () => {
    fixture = await HubFixture.start('lazy', { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }, { env: { MCP_LAZY_TOOLS: 'true' }, ready: ['everything'] });
    client = new Client({ name: 'lazy', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await fixture?.stop();
  });

  it('lists only the meta-tools and still reaches every tool through them', async () => {
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['hub__call_tool', 'hub__list_servers', 'hub__search_tools']);
    const found = (await client.callTool({ name: 'hub__search_tools', arguments: { query: 'echo back the input' } })).structuredContent as { tools: { name: string }[] };
    expect(found.tools[0].name).toBe('everything__echo');
    const echoed = (await client.callTool({ name: 'hub__call_tool', arguments: { name: 'everything__echo', arguments: { message: 'lazy' } } })) as CallToolResult;
    expect(echoed.content[0]).toEqual({ type: 'text', text: 'Echo: lazy' });
    const direct = (await client.callTool({ name: 'everything__echo', arguments: { message: 'still callable' } })) as CallToolResult;
    expect(direct.content[0]).toEqual({ type: 'text', text: 'Echo: still callable' });
  });

  it('shuts down cleanly while an MCP client holds its event stream open', async () => {
    const hub = fixture.hub;
    await client.listTools();
    hub.signal('SIGTERM');
    expect((await hub.exited).code).toBe(0);
    const ingress = hub.logs.find((l) => l.msg.startsWith('Shutdown phase ingress started'));
    expect(ingress?.msg).toContain('mcp-sessions');
    expect(hub.logs.find((l) => l.msg.startsWith('Shutdown phase ingress finished'))?.msg).toMatch(/\(ok\)$/);
    expect(hub.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
