import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { ToolCallHandler, serveToolCallsDirectly, toolCallParams } from './direct-tool-calls';

describe('toolCallParams', () => {
  it('accepts a name with optional arguments and _meta', () => {
    expect(toolCallParams({ name: 'a__b' })).toEqual({ name: 'a__b' });
    expect(toolCallParams({ name: 'a__b', arguments: { x: 1 }, _meta: { progressToken: 7 } })).toEqual({ name: 'a__b', arguments: { x: 1 }, _meta: { progressToken: 7 } });
  });

  it('says what is wrong with anything else', () => {
    expect(toolCallParams(undefined)).toBe('params must be an object');
    expect(toolCallParams({ name: 3 })).toBe('params.name must be a string');
    expect(toolCallParams({ name: 'x', arguments: [1] })).toBe('params.arguments must be an object');
    expect(toolCallParams({ name: 'x', _meta: 'no' })).toBe('params._meta must be an object');
    expect(toolCallParams({ name: 'x', _meta: { progressToken: {} } })).toBe('params._meta.progressToken must be a string or a number');
  });
});

/** An SDK server with the direct tools/call lane, and an SDK client, over the SDK's in-memory transport. */
async function connected(handler: ToolCallHandler) {
  const server = new Server({ name: 'test', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'slow', inputSchema: { type: 'object' as const } }] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  serveToolCallsDirectly(serverSide, handler);
  const sent: JSONRPCMessage[] = [];
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (message, options) => {
    sent.push(message);
    return send(message, options);
  };
  const client = new Client({ name: 'client', version: '1' });
  await client.connect(clientSide);
  return { client, sent };
}

describe('serveToolCallsDirectly', () => {
  it('answers tools/call with the handler and leaves other requests to the SDK server', async () => {
    const { client } = await connected(async (params) => ({ content: [{ type: 'text', text: `called ${params.name} with ${JSON.stringify(params.arguments)}` }] }));
    expect(await client.callTool({ name: 'slow', arguments: { n: 1 } })).toEqual({ content: [{ type: 'text', text: 'called slow with {"n":1}' }] });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['slow']);
    await client.close();
  });

  it('turns thrown errors into JSON-RPC errors with their code, message and data', async () => {
    const { client } = await connected(async () => {
      throw new McpError(ErrorCode.InvalidParams, 'Unknown tool: nope', { hint: 'hub__search_tools' });
    });
    await expect(client.callTool({ name: 'nope' })).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringContaining('Unknown tool: nope'), data: { hint: 'hub__search_tools' } });
    await client.close();
  });

  it('refuses malformed params with InvalidParams naming the field', async () => {
    const { client } = await connected(async () => ({ content: [] }));
    await expect(client.request({ method: 'tools/call', params: { name: 42 } } as never, ListToolsRequestSchema as never)).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringContaining('params.name must be a string'),
    });
    await client.close();
  });

  it('relays progress for the request and aborts the handler on cancellation, sending no response', async () => {
    let abortedWith!: (reason: string) => void;
    const aborted = new Promise<string>((resolve) => (abortedWith = resolve));
    let requestId: RequestId | undefined;
    const { client, sent } = await connected(async (_params, context) => {
      requestId = context.requestId;
      await context.sendNotification({ method: 'notifications/progress', params: { progressToken: context._meta!.progressToken!, progress: 1, total: 2 } });
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      abortedWith(String(context.signal.reason));
      return { content: [] };
    });
    const abort = new AbortController();
    const progress: number[] = [];
    const call = client.callTool({ name: 'slow' }, undefined, { signal: abort.signal, onprogress: (p) => progress.push(p.progress) });
    while (progress.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort('enough');
    await expect(call).rejects.toThrow();
    expect(await aborted).toBe('enough');
    await new Promise((resolve) => setImmediate(resolve));
    expect(progress).toEqual([1]);
    expect(sent.filter((m) => !('method' in m) && 'id' in m && m.id === requestId)).toEqual([]);
    await client.close();
  });
});
