import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ToolCallHandler, serveToolCallsDirectly } from './direct-tool-calls';
import { PendingRequests } from './pending-requests';

/** An SDK server (tools/call on the direct lane) watched by PendingRequests, and an SDK client, over the in-memory transport. */
async function connected(handler: ToolCallHandler, timeoutMs: number) {
  const server = new Server({ name: 'test', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const sent: JSONRPCMessage[] = [];
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (message, options) => {
    sent.push(message);
    return send(message, options);
  };
  await server.connect(serverSide);
  serveToolCallsDirectly(serverSide, handler);
  const requests = new PendingRequests(timeoutMs);
  requests.watch(serverSide);
  const client = new Client({ name: 'client', version: '1' });
  await client.connect(clientSide);
  return { client, requests, sent };
}

const never = (signal: AbortSignal) => new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

describe('PendingRequests', () => {
  it('counts requests until they are answered, and settles', async () => {
    let finish!: () => void;
    const { client, requests } = await connected(() => new Promise((resolve) => (finish = () => resolve({ content: [] }))), 60_000);
    const call = client.callTool({ name: 'slow' });
    while (requests.size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const settled = requests.settled();
    finish();
    await call;
    await settled;
    expect(requests.size).toBe(0);
    await client.close();
  });

  it('answers a request the server keeps silent about with RequestTimeout, cancels its handler and sends nothing more for it', async () => {
    let aborted = false;
    const { client, requests, sent } = await connected((_params, context) => {
      context.signal.addEventListener('abort', () => (aborted = true));
      return never(context.signal);
    }, 50);
    await expect(client.callTool({ name: 'slow' }, undefined, { timeout: 10_000 })).rejects.toMatchObject({ code: ErrorCode.RequestTimeout, message: expect.stringContaining('50 ms') });
    expect(aborted).toBe(true);
    expect(requests.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent.filter((m) => 'id' in m && !('method' in m) && m.id !== 0)).toHaveLength(1);
    await client.close();
  });

  it('waits longer for a request whose progress keeps arriving', async () => {
    const { client } = await connected(async (_params, context) => {
      for (let i = 1; i <= 8; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await context.sendNotification({ method: 'notifications/progress', params: { progressToken: context._meta!.progressToken!, progress: i } });
      }
      return { content: [{ type: 'text', text: 'done' }] };
    }, 300);
    expect(await client.callTool({ name: 'slow' }, undefined, { onprogress: () => undefined, timeout: 10_000 })).toEqual({ content: [{ type: 'text', text: 'done' }] });
    await client.close();
  });

  it('answers what is still waiting with the given error when its session closes', async () => {
    const { client, requests } = await connected((_params, context) => never(context.signal), 60_000);
    const call = client.callTool({ name: 'slow' });
    while (requests.size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    requests.answerAll(ErrorCode.ConnectionClosed, 'Connection closed: the hub is shutting down');
    await expect(call).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringContaining('shutting down') });
    await requests.settled();
    await client.close();
  });
});
