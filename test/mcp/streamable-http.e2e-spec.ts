import { HubFixture } from '../support/hub-fixture';
import { HubProcess, sleep } from '../support/hub-process';
import { EVERYTHING_BIN } from '../support/mcp-servers';
import { SseEvent, readEvents } from '../support/sse-events';

describe('Streamable HTTP transport details on /mcp', () => {
  let fixture: HubFixture;
  let hub: HubProcess;
  let session: string;
  const headers = () => ({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });

  beforeAll(async () => {
    fixture = await HubFixture.start('streamable', { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }, { ready: ['everything'] });
    hub = fixture.hub;
    const init = await fetch(hub.url('/mcp'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    session = init.headers.get('mcp-session-id')!;
    await init.text();
  });

  afterAll(() => fixture?.stop());

  it('accepts notifications with 202 and rejects an unsupported MCP-Protocol-Version with 400', async () => {
    const notification = await fetch(hub.url('/mcp'), { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    expect(notification.status).toBe(202);
    const badVersion = await fetch(hub.url('/mcp'), {
      method: 'POST',
      headers: { ...headers(), 'mcp-protocol-version': '1999-01-01' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
    });
    expect(badVersion.status).toBe(400);
  });

  it('answers plain JSON (one object or a batch) when no progress is asked for', async () => {
    const single = await fetch(hub.url('/mcp'), { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'ping' }) });
    expect(single.status).toBe(200);
    expect(single.headers.get('content-type')).toContain('application/json');
    expect(single.headers.get('mcp-session-id')).toBe(session);
    expect(await single.json()).toEqual({ jsonrpc: '2.0', id: 10, result: {} });

    const batch = await fetch(hub.url('/mcp'), {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 11, method: 'ping' },
        { jsonrpc: '2.0', id: 12, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'batched' } } },
      ]),
    });
    const answers = (await batch.json()) as { id: number; result: { content?: { text: string }[] } }[];
    expect(answers.map((a) => a.id).sort()).toEqual([11, 12]);
    expect(answers.find((a) => a.id === 12)?.result.content?.[0].text).toBe('Echo: batched');
  });

  it('rejects what the transport does not allow with the status the spec names', async () => {
    const post = (extra: Record<string, string>, body: unknown) => fetch(hub.url('/mcp'), { method: 'POST', headers: { ...headers(), ...extra }, body: JSON.stringify(body) });
    expect((await post({ accept: 'application/json' }, { jsonrpc: '2.0', id: 20, method: 'ping' })).status).toBe(406);
    expect((await post({ 'content-type': 'text/plain' }, { jsonrpc: '2.0', id: 21, method: 'ping' })).status).toBe(415);
    expect((await post({}, { hello: 'world' })).status).toBe(400);
    const reinit = await post({}, { jsonrpc: '2.0', id: 22, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    expect(reinit.status).toBe(400);
    expect((await fetch(hub.url('/mcp'), { method: 'PUT', headers: headers() })).status).toBe(405);
    expect((await fetch(hub.url('/mcp'), { method: 'GET', headers: { ...headers(), accept: 'application/json' } })).status).toBe(406);

    const first = new AbortController();
    const stream = await fetch(hub.url('/mcp'), { method: 'GET', headers: headers(), signal: first.signal });
    expect(stream.status).toBe(200);
    expect((await fetch(hub.url('/mcp'), { method: 'GET', headers: headers() })).status).toBe(409);
    first.abort();
  });

  it('answers bad bodies and bad tools/call params with JSON-RPC errors, and oversized bodies with 413', async () => {
    const invalid = await fetch(hub.url('/mcp'), { method: 'POST', headers: headers(), body: '{"jsonrpc": "2.0", "id": 40,' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: Invalid JSON' } });

    const huge = await fetch(hub.url('/mcp'), { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 41, method: 'ping', params: { pad: 'x'.repeat(11 * 1024 * 1024) } }) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });

    const badParams = await fetch(hub.url('/mcp'), { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 7 } }) });
    expect(await badParams.json()).toEqual({ jsonrpc: '2.0', id: 42, error: { code: -32602, message: expect.stringContaining('Invalid tools/call request: params.name must be a string') } });

    const unknown = await fetch(hub.url('/mcp'), { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 43, method: 'tools/call', params: { name: 'nope__nothing' } }) });
    expect(await unknown.json()).toMatchObject({ jsonrpc: '2.0', id: 43, error: { code: -32602, message: expect.stringContaining('Unknown tool: nope__nothing') } });
  });

  it('stops waiting for a request the client cancels: its JSON response becomes 202 at once', async () => {
    const started = Date.now();
    const call = fetch(hub.url('/mcp'), {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ jsonrpc: '2.0', id: 50, method: 'tools/call', params: { name: 'everything__trigger-long-running-operation', arguments: { duration: 20, steps: 2 } } }),
    });
    await sleep(300);
    const cancel = await fetch(hub.url('/mcp'), { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 50, reason: 'changed my mind' } }) });
    expect(cancel.status).toBe(202);
    const answered = await call;
    expect(answered.status).toBe(202);
    expect(await answered.text()).toBe('');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('numbers SSE events and resumes a dropped response stream from Last-Event-ID', async () => {
    const abort = new AbortController();
    const response = await fetch(hub.url('/mcp'), {
      method: 'POST',
      headers: headers(),
      signal: abort.signal,
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'everything__trigger-long-running-operation', arguments: { duration: 1.5, steps: 3 }, _meta: { progressToken: 'p1' } } }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const before = await readEvents(response, (events) => events.some((e) => e.data.includes('notifications/progress')), abort).catch(() => [] as SseEvent[]);
    const lastId = before.filter((e) => e.id).at(-1)?.id;
    expect(lastId).toBeTruthy();
    expect(before.every((e) => !e.data.includes('"result"'))).toBe(true);

    await sleep(1600);
    const resumed = new AbortController();
    const replay = await fetch(hub.url('/mcp'), { method: 'GET', headers: { ...headers(), 'last-event-id': lastId! }, signal: resumed.signal });
    expect(replay.status).toBe(200);
    const after = await readEvents(replay, (events) => events.some((e) => e.data.includes('"id":3')), resumed);
    const result = after.find((e) => e.data.includes('"id":3'))!;
    expect(JSON.parse(result.data).result.content[0].text).toMatch(/completed/i);
    expect(after.filter((e) => e.data.includes('notifications/progress')).length).toBeGreaterThan(0);
    expect(after.every((e) => e.id !== lastId)).toBe(true);
  });

  it('ends the session on DELETE', async () => {
    const deleted = await fetch(hub.url('/mcp'), { method: 'DELETE', headers: headers() });
    expect(deleted.status).toBe(200);
    const after = await fetch(hub.url('/mcp'), { method: 'POST', headers: headers(), body: JSON.stringify({ jsonrpc: '2.0', id: 30, method: 'ping' }) });
    expect(after.status).toBe(404);
  });
});
