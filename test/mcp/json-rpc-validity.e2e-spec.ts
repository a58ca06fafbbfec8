import { HubFixture } from '../support/hub-fixture';
import { Json } from '../support/http';
import { HubProcess } from '../support/hub-process';
import { EVERYTHING_BIN } from '../support/mcp-servers';
import { SseRecorder } from '../support/sse';

/** A request still unanswered after this long counts as never answered (the hub's own deadline here is 1.5 s). */
const HANG_MS = 10_000;
const initialize = (id: number) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

/** Messages with a valid envelope whose content the MCP schema rejects, and the JSON-RPC error each must get. */
const INVALID: { name: string; body: string; id: number | null; code: number }[] = [
  { name: 'a fractional id', body: '{"jsonrpc":"2.0","id":1.5,"method":"ping"}', id: null, code: -32600 },
  { name: 'an id of 2^53', body: '{"jsonrpc":"2.0","id":9007199254740992,"method":"ping"}', id: null, code: -32600 },
  { name: 'a 20-digit id', body: '{"jsonrpc":"2.0","id":12345678901234567890,"method":"ping"}', id: null, code: -32600 },
  { name: 'params null', body: '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":null}', id: 7, code: -32602 },
  { name: 'params an array', body: '{"jsonrpc":"2.0","id":8,"method":"tools/list","params":[1]}', id: 8, code: -32602 },
  { name: 'an extra member', body: '{"jsonrpc":"2.0","id":9,"method":"ping","extra":true}', id: 9, code: -32600 },
  { name: 'a progress token that is an object', body: '{"jsonrpc":"2.0","id":10,"method":"tools/list","params":{"_meta":{"progressToken":{}}}}', id: 10, code: -32602 },
];

/** POSTs a raw body; a request the hub never answers fails the test instead of holding it until the suite's timeout. */
async function post(url: string, body: string, session?: string): Promise<{ status: number; headers: Headers; json: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(HANG_MS) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`no answer to ${body} within ${HANG_MS} ms`);
    throw error;
  }
}

describe('every JSON-RPC request gets an answer or an error', () => {
  let fixture: HubFixture;
  let hub: HubProcess;

  beforeAll(async () => {
    fixture = await HubFixture.start('json-rpc', { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }, { ready: ['everything'], env: { MCP_REQUEST_TIMEOUT_MS: '1500' } });
    hub = fixture.hub;
  });

  afterAll(() => fixture?.stop());

  describe.each([
    ['/mcp', 'everything__trigger-long-running-operation'],
    ['/mcp/servers/everything', 'trigger-long-running-operation'],
  ])('Streamable HTTP on %s', (path, slowTool) => {
    let session: string;

    beforeAll(async () => {
      const init = await post(hub.url(path), JSON.stringify(initialize(1)));
      session = init.headers.get('mcp-session-id')!;
      await post(hub.url(path), JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), session);
    });

    it.each(INVALID)('answers $name with its JSON-RPC error', async ({ body, id, code }) => {
      const answer = await post(hub.url(path), body, session);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ jsonrpc: '2.0', id, error: { code, message: expect.any(String) } });
    });

    it('answers every request of a batch it refuses, valid ones included, and the session keeps working', async () => {
      const answer = await post(hub.url(path), `[${INVALID[0].body},{"jsonrpc":"2.0","id":12,"method":"ping"},${INVALID[3].body}]`, session);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual([
        expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) }),
        expect.objectContaining({ id: 12, error: expect.objectContaining({ code: -32600, message: expect.stringContaining('not processed') }) }),
        expect.objectContaining({ id: 7, error: expect.objectContaining({ code: -32602 }) }),
      ]);
      expect((await post(hub.url(path), '{"jsonrpc":"2.0","id":11,"method":"ping"}', session)).json).toEqual({ jsonrpc: '2.0', id: 11, result: {} });
    });

    it('refuses an initialize with an extra member or bad params, and opens no session for it', async () => {
      const extra = await post(hub.url(path), JSON.stringify({ ...initialize(3), extra: 1 }));
      expect(extra.status).toBe(400);
      expect(extra.json).toMatchObject({ id: 3, error: { code: -32600, message: expect.stringContaining('"extra"') } });
      expect(extra.headers.get('mcp-session-id')).toBeNull();
      const badParams = await post(hub.url(path), JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'initialize', params: { protocolVersion: '2025-11-25' } }));
      expect(badParams.status).toBe(400);
      expect(badParams.json).toMatchObject({ id: 4, error: { code: -32602 } });
    });

    it('refuses a request id already waiting for its answer, and the first request still gets its own', async () => {
      const slow = post(hub.url(path), JSON.stringify({ jsonrpc: '2.0', id: 20, method: 'tools/call', params: { name: slowTool, arguments: { duration: 1, steps: 1 } } }), session);
      let duplicate = await post(hub.url(path), '{"jsonrpc":"2.0","id":20,"method":"ping"}', session);
      // the first POST may not have been read yet when the second one arrives; then the second is simply answered
      for (let attempt = 0; attempt < 10 && duplicate.json?.result; attempt++) duplicate = await post(hub.url(path), '{"jsonrpc":"2.0","id":20,"method":"ping"}', session);
      expect(duplicate.status).toBe(400);
      expect(duplicate.json).toMatchObject({ error: { code: -32600, message: expect.stringContaining('already in use') } });
      expect((await slow).json).toMatchObject({ id: 20, result: { content: [{ text: expect.stringContaining('completed') }] } });
    });

    it('answers a request the hub has no answer for within MCP_REQUEST_TIMEOUT_MS with a RequestTimeout error', async () => {
      const answer = await post(hub.url(path), JSON.stringify({ jsonrpc: '2.0', id: 30, method: 'tools/call', params: { name: slowTool, arguments: { duration: 8, steps: 1 } } }), session);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ jsonrpc: '2.0', id: 30, error: { code: -32001, message: expect.stringContaining('1500 ms') } });
      expect((await post(hub.url(path), '{"jsonrpc":"2.0","id":31,"method":"ping"}', session)).json).toEqual({ jsonrpc: '2.0', id: 31, result: {} });
    });
  });

  describe('legacy HTTP+SSE on /sse and /messages', () => {
    const stream = new SseRecorder();
    let messages: string;

    beforeAll(async () => {
      await stream.open(hub.url('/sse'));
      messages = hub.url(String((await stream.waitFor((m) => m.event === 'endpoint')).data));
      expect((await post(messages, JSON.stringify(initialize(1)))).status).toBe(202);
      await stream.waitFor((m) => m.data?.id === 1);
      expect((await post(messages, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }))).status).toBe(202);
    });

    afterAll(() => stream.close());

    it.each(INVALID)('answers $name with its JSON-RPC error', async ({ body, id, code }) => {
      const answer = await post(messages, body);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ jsonrpc: '2.0', id, error: { code, message: expect.any(String) } });
    });

    it('answers a request the hub has no answer for in time with a RequestTimeout error on the stream', async () => {
      const accepted = await post(messages, JSON.stringify({ jsonrpc: '2.0', id: 30, method: 'tools/call', params: { name: 'everything__trigger-long-running-operation', arguments: { duration: 8, steps: 1 } } }));
      expect(accepted.status).toBe(202);
      const answer = await stream.waitFor((m) => m.data?.id === 30, HANG_MS);
      expect(answer.data).toMatchObject({ error: { code: -32001 } });
    });
  });
});
