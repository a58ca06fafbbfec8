import { Json, jsonOf } from '../support/http';
import { SHUTDOWN_PHASES } from '../../src/platform/shutdown/shutdown-phase';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';
import { HubFixture } from '../support/hub-fixture';
import { HubProcess, LogLine, sleep } from '../support/hub-process';
import { EVERYTHING_BIN } from '../support/mcp-servers';
import { SseRecorder } from '../support/sse';

const POOL_ENDED = 'Cannot use a pool after calling end on the pool';

async function waitForSleepingQuery(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  for (let i = 0; i < 200; i++) {
    const rows = await queryDatabase(databaseUrl, `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep(%' AND pid <> pg_backend_pid()`, [name]);
    if (rows.length > 0) return;
    await sleep(25);
  }
  throw new Error('the pg_sleep query never started');
}

function startSleepRequest(hub: HubProcess, seconds: number): Promise<Response> {
  return fetch(hub.url('/api/debug/database-sleep'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'in-flight' },
    body: JSON.stringify({ seconds }),
  });
}

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

async function openMcpSession(url: string): Promise<string> {
  const init = await fetch(url, { method: 'POST', headers: MCP_HEADERS, body: initialize });
  await init.text();
  const session = init.headers.get('mcp-session-id')!;
  const headers = { ...MCP_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
  await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
  return session;
}

/** A slow tool call on a Streamable HTTP session: its answer (JSON, or the messages of its SSE stream) and, with a progress token, the progress seen so far. */
function slowCall(url: string, session: string, id: number, tool: string, progressToken?: string) {
  const messages: Json[] = [];
  const headers = { ...MCP_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
  const params = { name: tool, arguments: { duration: 2, steps: 4 }, ...(progressToken ? { _meta: { progressToken } } : {}) };
  const answer = (async () => {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params }) });
    if (!response.headers.get('content-type')?.includes('text/event-stream')) return { status: response.status, messages: [await response.text()] };
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { status: response.status, messages };
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = /^data:(.*)$/m.exec(buffer.slice(0, end))?.[1].trim();
        buffer = buffer.slice(end + 2);
        if (data) messages.push(JSON.parse(data));
      }
    }
  })();
  const progressed = async () => {
    for (let i = 0; i < 400 && !messages.some((m) => m.method === 'notifications/progress'); i++) await sleep(25);
  };
  return { answer, progressed };
}

const completed = expect.stringContaining('Long running operation completed');

const phaseEvents = (logs: LogLine[]) =>
  logs.filter((l) => l.context === 'Shutdown' && /^Shutdown phase \w+ (started|finished|timed out)/.test(l.msg)).map((l) => l.msg.split(/:| in | after /)[0]);

describe('ordered shutdown on SIGTERM (built hub, real PostgreSQL)', () => {
  const databaseUrl = freshDatabaseUrl();
  afterAll(() => dropDatabase(databaseUrl));

  it('drains in-flight work holding a PostgreSQL query, answers 503 on readiness meanwhile, runs the phases in order and exits 0', async () => {
    const hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `test-shutdown-${process.pid}:`, DEBUG_ROUTES_ENABLED: 'true' });
    try {
      const inFlight = startSleepRequest(hub, 1.5);
      await waitForSleepingQuery(databaseUrl);

      hub.signal('SIGTERM');
      await hub.waitForLog((l) => l.msg.startsWith('Shutdown phase ingress started'));
      const readiness = await fetch(hub.url('/api/health/ready'));
      const lateRequest = await fetch(hub.url('/api/debug/database-sleep'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seconds":0}' });

      const response = await inFlight;
      const { code } = await hub.exited;

      expect(readiness.status).toBe(503);
      expect(await jsonOf(readiness)).toMatchObject({ status: 'shutting_down' });
      expect(lateRequest.status).toBe(503);
      expect(await jsonOf(lateRequest)).toMatchObject({ code: 'SHUTTING_DOWN' });
      expect(response.status).toBe(200);
      expect(await jsonOf(response)).toMatchObject({ sleptSeconds: 1.5 });
      expect(code).toBe(0);

      expect(phaseEvents(hub.logs)).toEqual(SHUTDOWN_PHASES.flatMap((p) => [`Shutdown phase ${p} started`, `Shutdown phase ${p} finished`]));
      const completed = hub.logs.findIndex((l) => l.requestId === 'in-flight' && l.msg === 'request completed');
      const producersStarted = hub.logs.findIndex((l) => l.msg.startsWith('Shutdown phase producers started'));
      expect(completed).toBeGreaterThan(-1);
      expect(completed).toBeLessThan(producersStarted);
      expect(hub.logs.find((l) => l.msg.startsWith('Shutdown phase database started'))?.msg).toContain('postgres-pool');
      expect(hub.logs.filter((l) => l.level >= 50)).toEqual([]);
      expect(hub.output).not.toContain(POOL_ENDED);

      const [instance] = await queryDatabase<{ stopped_at: Date | null }>(databaseUrl, 'SELECT stopped_at FROM mcp_hub.hub_instances WHERE pid = $1', [hub.pid]);
      expect(instance.stopped_at).toBeInstanceOf(Date);
    } finally {
      await hub.stop();
    }
  });

  it('lets MCP tool calls in flight get their real results, refuses new MCP sessions and requests with 503 and Retry-After meanwhile, and exits 0', async () => {
    const fixture = await HubFixture.start('shutdown-mcp', { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }, { ready: ['everything'] });
    const hub = fixture.hub;
    const legacy = new SseRecorder();
    try {
      const aggregate = hub.url('/mcp');
      const proxy = hub.url('/mcp/servers/everything');
      const [onAggregate, onProxy] = [await openMcpSession(aggregate), await openMcpSession(proxy)];
      await legacy.open(hub.url('/sse'));
      const messages = hub.url(String((await legacy.waitFor((m) => m.event === 'endpoint')).data));
      await fetch(messages, { method: 'POST', headers: MCP_HEADERS, body: initialize });
      await legacy.waitFor((m) => m.data?.id === 0);

      const plain = [1, 2, 3].map((id) => slowCall(aggregate, onAggregate, id, 'everything__trigger-long-running-operation'));
      await fetch(messages, {
        method: 'POST',
        headers: MCP_HEADERS,
        body: JSON.stringify({ jsonrpc: '2.0', id: 31, method: 'tools/call', params: { name: 'everything__trigger-long-running-operation', arguments: { duration: 2, steps: 4 }, _meta: { progressToken: 'legacy' } } }),
      });
      const streamed = [
        ...[11, 12, 13].map((id) => slowCall(aggregate, onAggregate, id, 'everything__trigger-long-running-operation', `p${id}`)),
        ...[21, 22].map((id) => slowCall(proxy, onProxy, id, 'trigger-long-running-operation', `p${id}`)),
      ];
      // every call is running upstream once its progress arrives (the plain ones were sent before them)
      for (const call of streamed) await call.progressed();
      await legacy.waitFor((m) => m.data?.method === 'notifications/progress');

      hub.signal('SIGTERM');
      await hub.waitForLog((l) => l.msg.startsWith('Shutdown phase ingress started'));
      const newSession = await fetch(aggregate, { method: 'POST', headers: MCP_HEADERS, body: initialize });
      const onOldSession = await fetch(aggregate, { method: 'POST', headers: { ...MCP_HEADERS, 'mcp-session-id': onAggregate }, body: JSON.stringify({ jsonrpc: '2.0', id: 40, method: 'ping' }) });

      const plainAnswers = await Promise.all(plain.map((call) => call.answer));
      const streamedAnswers = await Promise.all(streamed.map((call) => call.answer));
      const legacyAnswer = await legacy.waitFor((m) => m.data?.id === 31);
      const { code } = await hub.exited;

      expect(newSession.status).toBe(503);
      expect(newSession.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await jsonOf(newSession)).toMatchObject({ code: 'SHUTTING_DOWN' });
      expect(onOldSession.status).toBe(503);
      for (const [i, answer] of plainAnswers.entries()) {
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.messages[0])).toMatchObject({ id: i + 1, result: { content: [{ text: completed }] } });
      }
      for (const [i, answer] of streamedAnswers.entries()) {
        expect(answer.status).toBe(200);
        expect(answer.messages.at(-1)).toMatchObject({ id: [11, 12, 13, 21, 22][i], result: { content: [{ text: completed }] } });
      }
      expect(legacyAnswer.data).toMatchObject({ result: { content: [{ text: completed }] } });
      expect(code).toBe(0);
      expect(phaseEvents(hub.logs)).toEqual(SHUTDOWN_PHASES.flatMap((p) => [`Shutdown phase ${p} started`, `Shutdown phase ${p} finished`]));
      expect(hub.logs.map((l) => l.msg)).toContain('Every MCP request in flight was answered');
      expect(hub.logs.filter((l) => l.level >= 50)).toEqual([]);
    } finally {
      await legacy.close();
      await fixture.stop();
    }
  });

  it('logs a phase that overruns its timeout by name, still runs the later phases, closes the pool last and exits non-zero', async () => {
    const hub = await HubProcess.start({
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: `test-shutdown-overrun-${process.pid}:`,
      DEBUG_ROUTES_ENABLED: 'true',
      SHUTDOWN_DRAIN_TIMEOUT_MS: '200',
    });
    try {
      const inFlight = startSleepRequest(hub, 2).catch((error: Error) => error);
      await waitForSleepingQuery(databaseUrl);

      hub.signal('SIGTERM');
      const { code } = await hub.exited;
      await inFlight;

      expect(code).toBe(1);
      const timedOut = hub.logs.find((l) => l.msg.startsWith('Shutdown phase ingress timed out'));
      expect(timedOut?.msg).toBe('Shutdown phase ingress timed out after 200 ms; still running: http-server');
      expect(timedOut?.level).toBe(50);
      expect(phaseEvents(hub.logs)).toEqual([
        'Shutdown phase ingress started',
        'Shutdown phase ingress timed out',
        ...SHUTDOWN_PHASES.slice(1).flatMap((p) => [`Shutdown phase ${p} started`, `Shutdown phase ${p} finished`]),
      ]);
      const summary = hub.logs.find((l) => l.msg.startsWith('Shutdown finished with problems'));
      expect(summary?.msg).toContain('ingress=timeout');
      expect(summary?.msg).toContain('database=ok');
      expect(hub.output).not.toContain(POOL_ENDED);
    } finally {
      await hub.stop();
    }
  });
});
