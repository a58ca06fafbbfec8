import { request } from 'node:http';
import { HubFixture } from '../support/hub-fixture';
import { Json } from '../support/http';
import { HubProcess } from '../support/hub-process';
import { EVERYTHING_BIN } from '../support/mcp-servers';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Json;
}

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

/** One HTTP request from a chosen loopback address (127.0.0.x), so each address is a different client to the hub. */
function send(hub: HubProcess, from: string, method: string, path: string, options: { body?: string; session?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.session) Object.assign(headers, { 'mcp-session-id': options.session, 'mcp-protocol-version': '2025-11-25' });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: hub.port, localAddress: from, method, path, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      const done = () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = String(res.headers['content-type']).includes('json') && text ? JSON.parse(text) : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      };
      // an event stream that stays open is answered once its headers and first event are in
      if (String(res.headers['content-type']).includes('text/event-stream') && method === 'GET' && !headers['last-event-id']) {
        res.once('data', (chunk: Buffer) => {
          chunks.push(chunk);
          done();
          res.destroy();
        });
        return;
      }
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', done);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} got no answer`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a session from `from`; `use` sends a ping after the handshake. */
async function open(hub: HubProcess, from: string, use = true): Promise<{ answer: Answer; session?: string }> {
  const answer = await send(hub, from, 'POST', '/mcp', { body: INITIALIZE });
  const session = answer.headers['mcp-session-id'] as string | undefined;
  if (session) {
    await send(hub, from, 'POST', '/mcp', { body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), session });
    if (use) expect((await ping(hub, from, session)).status).toBe(200);
  }
  return { answer, session };
}

const ping = (hub: HubProcess, from: string, session: string) => send(hub, from, 'POST', '/mcp', { body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }), session });
const end = (hub: HubProcess, from: string, session: string) => send(hub, from, 'DELETE', '/mcp', { session });

function sseEvents(text: string): { id?: string; data: string }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => ({ id: /^id: ?(.*)$/m.exec(block)?.[1], data: [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n') }));
}

describe('bounded MCP sessions and replay buffers', () => {
  let fixture: HubFixture;
  let hub: HubProcess;

  beforeAll(async () => {
    fixture = await HubFixture.start(
      'session-limits',
      { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } },
      {
        ready: ['everything'],
        env: { MCP_MAX_SESSIONS: '4', MCP_MAX_SESSIONS_PER_CLIENT: '2', MCP_SESSION_UNUSED_MS: '1000', MCP_SESSION_IDLE_MS: '600000', MCP_EVENT_STORE_MAX_BYTES: '262144' },
      },
    );
    hub = fixture.hub;
  });

  afterAll(() => fixture?.stop());

  it('holds no slot for an initialize the transport refused (wrong Accept or Content-Type)', async () => {
    for (let i = 0; i < 3; i++) {
      const refused = await send(hub, '127.0.0.9', 'POST', '/mcp', { body: INITIALIZE, headers: { accept: 'application/json' } });
      expect([refused.status, refused.headers['mcp-session-id']]).toEqual([406, undefined]);
    }
    const opened = await open(hub, '127.0.0.9');
    expect(opened.answer.status).toBe(200);
    await end(hub, '127.0.0.9', opened.session!);
  });

  it('caps sessions per client address and in total, answering 503 with Retry-After, on /mcp and /sse alike', async () => {
    const a1 = await open(hub, '127.0.0.2');
    const a2 = await open(hub, '127.0.0.2');
    const a3 = await open(hub, '127.0.0.2');
    expect([a1.answer.status, a2.answer.status]).toEqual([200, 200]);
    expect(a3.answer.status).toBe(503);
    expect(Number(a3.answer.headers['retry-after'])).toBeGreaterThan(0);
    expect(a3.answer.json).toMatchObject({ code: 'MCP_SESSION_LIMIT', details: { limit: 'client', max: 2 } });
    expect(a3.session).toBeUndefined();

    const b1 = await open(hub, '127.0.0.3');
    const b2 = await open(hub, '127.0.0.3');
    expect([b1.answer.status, b2.answer.status]).toEqual([200, 200]);
    const c1 = await open(hub, '127.0.0.4');
    expect(c1.answer.status).toBe(503);
    expect(c1.answer.json).toMatchObject({ code: 'MCP_SESSION_LIMIT', details: { limit: 'hub', max: 4 } });
    const legacy = await send(hub, '127.0.0.4', 'GET', '/sse', { headers: { accept: 'text/event-stream' } });
    expect(legacy.status).toBe(503);
    expect(legacy.headers['retry-after']).toBeDefined();

    // refusals come in floods: the first of each sweep period is logged, later ones summed up per sweep,
    // none at error level (of these three refusals, two are logged when a sweep falls between them)
    const logged = hub.logs.filter((l) => l.msg.startsWith('New MCP session refused')).length;
    expect(logged).toBeGreaterThanOrEqual(1);
    expect(logged).toBeLessThan(3);
    expect(hub.logs.filter((l) => l.msg.includes('MCP_SESSION_LIMIT') || l.level >= 50)).toEqual([]);

    // a session that ends makes room again
    expect((await end(hub, '127.0.0.2', a1.session!)).status).toBe(200);
    const c2 = await open(hub, '127.0.0.4');
    expect(c2.answer.status).toBe(200);
    expect((await ping(hub, '127.0.0.2', a2.session!)).status).toBe(200);

    for (const [from, session] of [['127.0.0.2', a2.session], ['127.0.0.3', b1.session], ['127.0.0.3', b2.session], ['127.0.0.4', c2.session]] as const) await end(hub, from, session!);
  });

  it('closes a session never used after initialize well before the idle timeout, and keeps a used one', async () => {
    const unused = await open(hub, '127.0.0.5', false);
    const used = await open(hub, '127.0.0.5');
    await hub.waitForLog((l) => l.context === 'McpSessions' && /and [1-9]\d* never used after initialize/.test(l.msg), 15_000);
    expect((await ping(hub, '127.0.0.5', unused.session!)).status).toBe(404);
    expect((await ping(hub, '127.0.0.5', used.session!)).status).toBe(200);
    await end(hub, '127.0.0.5', used.session!);
  });

  it('keeps the replay buffer of a session within MCP_EVENT_STORE_MAX_BYTES, the oldest events going first', async () => {
    const { session } = await open(hub, '127.0.0.6');
    const message = 'x'.repeat(100 * 1024);
    const firstIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await send(hub, '127.0.0.6', 'POST', '/mcp', {
        session,
        body: JSON.stringify({ jsonrpc: '2.0', id: 100 + i, method: 'tools/call', params: { name: 'everything__echo', arguments: { message }, _meta: { progressToken: `p${i}` } } }),
      });
      expect(answer.headers['content-type']).toContain('text/event-stream');
      const events = sseEvents(answer.text);
      expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ id: 100 + i, result: { content: [{ text: `Echo: ${message}` }] } });
      firstIds.push(events[0].id!);
    }

    // five results of 100 KB do not fit in 256 KB: the first streams are gone, the last one can still be resumed
    const oldest = await send(hub, '127.0.0.6', 'GET', '/mcp', { session, headers: { accept: 'text/event-stream', 'last-event-id': firstIds[0] } });
    expect(oldest.status).toBe(400);
    const newest = await send(hub, '127.0.0.6', 'GET', '/mcp', { session, headers: { accept: 'text/event-stream', 'last-event-id': firstIds[4] } });
    expect(newest.status).toBe(200);
    expect(JSON.parse(sseEvents(newest.text)[0].data)).toMatchObject({ id: 104, result: {} });
    await end(hub, '127.0.0.6', session!);
  });
});
