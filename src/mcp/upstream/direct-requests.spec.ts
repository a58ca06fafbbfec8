import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, ResultSchema, type JSONRPCMessage, type Progress, type Request } from '@modelcontextprotocol/sdk/types.js';
import { DirectRequests, requestResult } from './direct-requests';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A real SDK server with tools that answer, fail, report progress and wait; an SDK client with
 * DirectRequests attached, over the SDK's in-memory transport. `received` is what reached the server.
 */
async function connected() {
  const server = new Server({ name: 'upstream', version: '1' }, { capabilities: { tools: {} } });
  const cancelled: string[] = [];
  const requestIds: unknown[] = [];
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'echo', inputSchema: { type: 'object' as const } }] }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    requestIds.push(extra.requestId);
    const args = request.params.arguments ?? {};
    extra.signal.addEventListener('abort', () => cancelled.push(String(extra.requestId)));
    switch (request.params.name) {
      case 'echo':
        return { content: [{ type: 'text', text: String(args.message) }], _meta: { note: 'kept' } };
      case 'fail':
        throw new McpError(ErrorCode.InvalidParams, 'Tool fail refused', { field: 'x' });
      case 'progress':
        for (let step = 1; step <= Number(args.steps); step++) {
          await sleep(Number(args.everyMs));
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: request.params._meta!.progressToken!, progress: step, total: Number(args.steps) } });
        }
        return { content: [{ type: 'text', text: 'done' }] };
      default:
        await sleep(Number(args.ms ?? 60_000));
        return { content: [] };
    }
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'hub', version: '1' });
  await client.connect(clientSide);
  const sent: JSONRPCMessage[] = [];
  const send = clientSide.send.bind(clientSide);
  clientSide.send = (message, options) => {
    sent.push(message);
    return send(message, options);
  };
  DirectRequests.attach(client);
  return { client, direct: DirectRequests.of(client)!, cancelled, requestIds, sent };
}

const call = (name: string, args: Record<string, unknown> = {}): Request => ({ method: 'tools/call', params: { name, arguments: args } });

/** The same request through the SDK client, for what it answers or throws. */
const viaSdk = (client: Client, request: Request, options: { timeout: number; signal?: AbortSignal; onprogress?: (p: Progress) => void }) =>
  client.request(request as Parameters<Client['request']>[0], ResultSchema, options);

describe('DirectRequests', () => {
  it('answers with the upstream result as sent, under its own string ids, leaving other requests to the SDK client', async () => {
    const { client, direct, requestIds } = await connected();
    expect(await direct.request(call('echo', { message: 'hi' }), { timeout: 5000 })).toEqual({ content: [{ type: 'text', text: 'hi' }], _meta: { note: 'kept' } });
    expect(await direct.request(call('echo', { message: 'again' }), { timeout: 5000 })).toMatchObject({ content: [{ text: 'again' }] });
    expect(requestIds).toEqual(['hub-1', 'hub-2']);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    expect(await viaSdk(client, call('echo', { message: 'sdk' }), { timeout: 5000 })).toMatchObject({ content: [{ text: 'sdk' }] });
    expect(typeof requestIds[2]).toBe('number');
    expect(direct.size).toBe(0);
    await client.close();
  });

  it('rejects an error response with the McpError the SDK client makes of it', async () => {
    const { client, direct } = await connected();
    const [ours, sdk] = await Promise.all([direct.request(call('fail'), { timeout: 5000 }).catch((e: unknown) => e), viaSdk(client, call('fail'), { timeout: 5000 }).catch((e: unknown) => e)]);
    expect(ours).toBeInstanceOf(McpError);
    expect(ours).toMatchObject({ code: ErrorCode.InvalidParams, message: (sdk as McpError).message, data: { field: 'x' } });
    await client.close();
  });

  it('passes progress on, and with resetTimeoutOnProgress each one restarts the time limit', async () => {
    const { client, direct } = await connected();
    const progress: Progress[] = [];
    // four steps of 150 ms outlast the 400 ms limit only because each one restarts it
    const result = await direct.request(call('progress', { steps: 4, everyMs: 150 }), { timeout: 400, onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true });
    expect(result).toMatchObject({ content: [{ text: 'done' }] });
    expect(progress).toEqual([1, 2, 3, 4].map((step) => ({ progress: step, total: 4 })));
    await client.close();
  });

  it('drops progress the SDK would refuse, and passes on only the fields the SDK keeps', async () => {
    const { client, direct } = await connected();
    const progress: Progress[] = [];
    const transport = client.transport!;
    const waiting = direct.request(call('wait', { ms: 100 }), { timeout: 5000, onprogress: (p) => progress.push(p) });
    for (const params of [{ progress: 'half' }, { progress: 1, total: 'two' }, { progress: 1, message: 3 }, { progress: 1, total: 2, message: 'ok', extra: true, _meta: { k: 1 } }]) {
      transport.onmessage!({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'hub-1', ...params } } as JSONRPCMessage);
    }
    await waiting;
    expect(progress).toEqual([{ progress: 1, total: 2, message: 'ok', _meta: { k: 1 } }]);
    await client.close();
  });

  it('times out as the SDK client does: RequestTimeout, and notifications/cancelled upstream', async () => {
    const { client, direct, cancelled, sent } = await connected();
    const [ours, sdk] = await Promise.all([direct.request(call('wait'), { timeout: 50 }).catch((e: unknown) => e), viaSdk(client, call('wait'), { timeout: 50 }).catch((e: unknown) => e)]);
    expect(ours).toMatchObject({ code: ErrorCode.RequestTimeout, message: (sdk as McpError).message, data: { timeout: 50 } });
    await sleep(20);
    expect(cancelled).toContain('hub-1');
    expect(sent).toContainEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'hub-1', reason: String(ours) } });
    expect(direct.size).toBe(0);
    await client.close();
  });

  it('cancels upstream when its signal aborts, with the reason, and refuses an aborted signal before sending', async () => {
    const { client, direct, cancelled, sent } = await connected();
    const controller = new AbortController();
    const waiting = direct.request(call('wait'), { timeout: 5000, signal: controller.signal }).catch((e: unknown) => e);
    await sleep(10);
    controller.abort('the client went away');
    expect(await waiting).toMatchObject({ code: ErrorCode.RequestTimeout, message: expect.stringContaining('the client went away') });
    await sleep(20);
    expect(cancelled).toEqual(['hub-1']);
    const before = sent.length;
    await expect(direct.request(call('echo'), { timeout: 5000, signal: controller.signal })).rejects.toBe('the client went away');
    expect(sent).toHaveLength(before);
    await client.close();
  });

  it('rejects what waits with ConnectionClosed when the transport closes, and the SDK client still hears the close', async () => {
    const { client, direct } = await connected();
    let closed = false;
    client.onclose = () => (closed = true);
    const waiting = direct.request(call('wait'), { timeout: 5000 }).catch((e: unknown) => e);
    await sleep(10);
    await client.close();
    expect(await waiting).toMatchObject({ code: ErrorCode.ConnectionClosed });
    expect(closed).toBe(true);
    expect(direct.size).toBe(0);
  });

  it('refuses requests once closed, and fails a request its transport could not send', async () => {
    const { client, direct, sent } = await connected();
    const transport = client.transport!;
    const send = transport.send.bind(transport);
    transport.send = () => Promise.reject(new Error('pipe broken'));
    await expect(direct.request(call('echo'), { timeout: 5000 })).rejects.toThrow('pipe broken');
    expect(direct.size).toBe(0);
    transport.send = send;
    await client.close();
    const before = sent.length;
    await expect(direct.request(call('echo'), { timeout: 5000 })).rejects.toThrow('Not connected');
    expect(sent).toHaveLength(before);
  });

  it('leaves an answer that comes after its time limit to the SDK client, which reports it as unknown', async () => {
    const { client, direct } = await connected();
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    await expect(direct.request(call('wait', { ms: 80 }), { timeout: 20 })).rejects.toMatchObject({ code: ErrorCode.RequestTimeout });
    // the SDK server sends nothing for a cancelled request; a server that ignores cancellation answers late
    client.transport!.onmessage!({ jsonrpc: '2.0', id: 'hub-1', result: { content: [] } });
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('unknown message ID')]);
    expect(await direct.request(call('echo', { message: 'still here' }), { timeout: 5000 })).toMatchObject({ content: [{ text: 'still here' }] });
    await client.close();
  });

  it('is what requestResult uses once attached; before that, the SDK client answers', async () => {
    const server = new Server({ name: 'upstream', version: '1' }, { capabilities: { tools: {} } });
    const ids: unknown[] = [];
    server.setRequestHandler(CallToolRequestSchema, async (_request, extra) => {
      ids.push(extra.requestId);
      return { content: [] };
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'hub', version: '1' });
    await client.connect(clientSide);
    await requestResult(client, call('any'), { timeout: 5000 });
    DirectRequests.attach(client);
    await requestResult(client, call('any'), { timeout: 5000 });
    expect(ids).toEqual([expect.any(Number), 'hub-1']);
    await client.close();
  });
});
