import { join } from 'node:path';
import { backoffCeiling } from '../../src/mcp/upstream/backoff';
import { freePort } from '../support/free-port';
import { HubApi } from '../support/hub-api';
import { HubProcess, sleep } from '../support/hub-process';
import { EVERYTHING_BIN, EverythingHttpServer, MEMORY_BIN, processAlive } from '../support/mcp-servers';
import { SseRecorder } from '../support/sse';
import { CountingProxy } from '../support/counting-proxy';
import { queryDatabase } from '../support/test-database';
import { HubFixture } from '../support/hub-fixture';

const FAILING_RETRY = { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 5000, multiplier: 3 };

describe('upstream MCP servers: connect, catalog, call, recover (real servers from npm)', () => {
  let fixture: HubFixture;
  let databaseUrl: string;
  let http: EverythingHttpServer;
  let proxy: CountingProxy;
  let hangingProxy: CountingProxy;
  let hub: HubProcess;
  let api: HubApi;
  let events: SseRecorder;
  let deadPort: number;

  beforeAll(async () => {
    http = await EverythingHttpServer.started();
    proxy = await CountingProxy.inFrontOf(http.url);
    hangingProxy = await CountingProxy.inFrontOf(http.url);
    deadPort = await freePort();
    fixture = await HubFixture.start('upstream', (dir) => ({
      mcpServers: {
        everything: { command: process.execPath, args: [EVERYTHING_BIN] },
        'everything-http': { url: proxy.url, type: 'streamable-http' },
        memory: { command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') }, healthCheck: { intervalMs: 500 } },
        'missing-command': { command: 'mcp-hub-no-such-command', retry: FAILING_RETRY },
        'needs-missing': { command: process.execPath, args: [EVERYTHING_BIN], dependsOn: ['missing-command'] },
        pinged: { url: hangingProxy.url, type: 'streamable-http', healthCheck: { intervalMs: 200, timeoutMs: 150, failureThreshold: 3 } },
        'nothing-listens': { url: `http://127.0.0.1:${deadPort}/mcp`, retry: FAILING_RETRY },
      },
    }));
    ({ hub, databaseUrl } = fixture);
    api = new HubApi(hub);
    events = new SseRecorder();
    await events.open(hub.url('/api/events'));
  });

  afterAll(async () => {
    await events?.close();
    await fixture?.stop();
    await proxy?.stop();
    await hangingProxy?.stop();
    await http?.stop();
  });

  it('connects stdio and Streamable HTTP servers and records their tools in PostgreSQL', async () => {
    for (const name of ['everything', 'everything-http', 'memory']) {
      const server = await api.waitForServer(name, (s) => s.state === 'connected' && s.catalog.tools > 0);
      expect(server.transport).toBe(name === 'everything-http' ? 'streamable-http' : 'stdio');
    }
    const rows = await queryDatabase<{ server_name: string; name: string; available: boolean; input_schema: object }>(
      databaseUrl,
      'SELECT server_name, name, available, input_schema FROM mcp_hub.catalog_tools ORDER BY server_name, name',
    );
    const names = (server: string) => rows.filter((r) => r.server_name === server).map((r) => r.name);
    expect(names('everything')).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(names('everything-http')).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(names('memory')).toEqual(expect.arrayContaining(['create_entities', 'read_graph']));
    expect(rows.every((r) => r.available)).toBe(true);
    expect(rows.find((r) => r.server_name === 'everything' && r.name === 'get-sum')?.input_schema).toMatchObject({ properties: { a: { type: 'number' } } });

    const prompts = await queryDatabase(databaseUrl, `SELECT name FROM mcp_hub.catalog_prompts WHERE server_name = 'everything'`);
    expect(prompts.length).toBeGreaterThan(0);
    const resources = await queryDatabase(databaseUrl, `SELECT uri FROM mcp_hub.catalog_resources WHERE server_name = 'everything'`);
    expect(resources.length).toBeGreaterThan(0);
  });

  it('calls echo and get-sum through REST over both transports', async () => {
    for (const server of ['everything', 'everything-http']) {
      const echo = await api.callTool(server, 'echo', { message: 'hello hub' });
      expect(echo).toEqual({ status: 200, body: { content: [{ type: 'text', text: 'Echo: hello hub' }] } });
      const sum = await api.callTool(server, 'get-sum', { a: 2, b: 40 });
      expect(sum.status).toBe(200);
      expect(sum.body.content[0].text).toContain('42');
    }
  });

  it('rejects a bad argument with 400 naming the field, and sends nothing upstream', async () => {
    const callsBefore = proxy.count('tools/call');
    const bad = await api.callTool('everything-http', 'get-sum', { a: 'two', b: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'arguments.a', reason: 'must be number' }] });
    const missing = await api.callTool('everything-http', 'echo', {});
    expect(missing.body.details).toEqual([{ field: 'arguments.message', reason: "must have required property 'message'" }]);
    expect(proxy.count('tools/call')).toBe(callsBefore);

    expect((await api.callTool('everything-http', 'get-sum', { a: 1, b: 1 })).status).toBe(200);
    expect(proxy.count('tools/call')).toBe(callsBefore + 1);
  });

  it('maps unknown tools and servers to 404', async () => {
    expect((await api.callTool('everything', 'no-such-tool', {})).body.code).toBe('TOOL_NOT_FOUND');
    expect((await api.get('/api/servers/no-such-server')).status).toBe(404);
  });

  it('gives up on a missing command and on a URL where nothing listens after the configured attempts, with growing backoff', async () => {
    for (const name of ['missing-command', 'nothing-listens']) {
      const server = await api.waitForState(name, 'failed');
      expect(server.attempts).toHaveLength(FAILING_RETRY.maxAttempts);
      expect(server.reason).toMatch(/^gave up after 3 attempt\(s\): /);
      expect(server.lastError).toMatch(name === 'missing-command' ? /ENOENT/ : /ECONNREFUSED|fetch failed/);
      const starts = server.attempts.map((a: { startedAt: string }) => Date.parse(a.startedAt));
      for (let i = 0; i < FAILING_RETRY.maxAttempts - 1; i++) {
        const attempt = server.attempts[i];
        expect(attempt.error).toBeTruthy();
        expect(attempt.nextDelayMs).toBeLessThanOrEqual(backoffCeiling(FAILING_RETRY, i + 1));
        expect(starts[i + 1] - starts[i]).toBeGreaterThanOrEqual(attempt.nextDelayMs);
      }
      expect(backoffCeiling(FAILING_RETRY, 2)).toBeGreaterThan(backoffCeiling(FAILING_RETRY, 1));
      expect(server.attempts[2].nextDelayMs).toBeUndefined();
    }
    for (const name of ['everything', 'everything-http', 'memory']) expect((await api.server(name)).state).toBe('connected');
    const dependent = await api.waitForServer('needs-missing', (s) => s.reason.includes('failed'));
    expect(dependent).toMatchObject({ state: 'waiting', reason: expect.stringMatching(/^waiting for missing-command \(failed: .*ENOENT/) });
    const failedLogs = hub.logs.filter((l) => l.context === 'Upstreams' && / → failed \(gave up after 3 attempt/.test(l.msg)).map((l) => l.msg.split(':')[0]);
    expect(failedLogs.sort()).toEqual(['missing-command', 'nothing-listens']);
  });

  it('reconnects a stdio server whose process was killed; its catalog goes unavailable, then available again', async () => {
    const before = await api.waitForState('memory', 'connected');
    const seen = events.messages.length;
    process.kill(before.pid, 'SIGKILL');

    const after = await api.waitForServer('memory', (s) => s.state === 'connected' && s.pid !== before.pid);
    expect(processAlive(before.pid)).toBe(false);
    expect(processAlive(after.pid)).toBe(true);
    await events.waitFor((m) => m.event === 'mcp.catalog.changed' && m.data.subject === 'memory' && m.data.data.change === 'synced' && events.messages.indexOf(m) > seen);
    const changes = events.messages.slice(seen).filter((m) => m.event === 'mcp.catalog.changed' && m.data.subject === 'memory').map((m) => m.data.data.change);
    expect(changes.indexOf('unavailable')).toBeGreaterThanOrEqual(0);
    expect(changes.indexOf('synced')).toBeGreaterThan(changes.indexOf('unavailable'));
    const states = events.messages.slice(seen).filter((m) => m.event === 'mcp.server.state' && m.data.subject === 'memory').map((m) => m.data.data.to);
    expect(states).toEqual(expect.arrayContaining(['connecting', 'connected']));
    const rows = await queryDatabase<{ available: boolean }>(databaseUrl, `SELECT available FROM mcp_hub.catalog_tools WHERE server_name = 'memory'`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.available)).toBe(true);
    expect((await api.callTool('memory', 'read_graph', {})).status).toBe(200);
  });

  it('marks a server whose pings time out degraded, reconnects after the threshold, and recovers', async () => {
    await api.waitForState('pinged', 'connected');
    const seen = events.messages.length;
    const pingsBefore = hangingProxy.count('ping');
    hangingProxy.pause();
    const degraded = await api.waitForState('pinged', 'degraded');
    expect(degraded.reason).toMatch(/^ping failed [12] of 3 allowed/);
    await events.waitFor((m) => events.messages.indexOf(m) >= seen && m.data.subject === 'pinged' && m.data.data.to === 'connecting' && /after 3 failed pings/.test(m.data.data.reason));
    hangingProxy.resume();
    await api.waitForServer('pinged', (s) => s.state === 'connected' && events.messages.slice(seen).some((m) => m.data.subject === 'pinged' && m.data.data?.to === 'connecting'));
    // a held ping whose socket the hub closed may never be counted; pings go on after the reconnect
    for (let i = 0; i < 50 && hangingProxy.count('ping') <= pingsBefore + 2; i++) await sleep(50);
    expect(hangingProxy.count('ping')).toBeGreaterThan(pingsBefore + 2);
    expect(hangingProxy.count('initialize')).toBeGreaterThanOrEqual(2);
  });

  it('maps an upstream that takes too long to 504 and an upstream error to 502, with its message', async () => {
    const slow = await api.send('POST', '/api/tools/everything/trigger-long-running-operation/call', { arguments: { duration: 5, steps: 5 }, timeoutMs: 300 });
    expect(slow.status).toBe(504);
    expect(slow.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'MCP server "everything" did not answer within 300 ms' });

    const missing = await api.send('POST', '/api/resources/read', { server: 'everything', uri: 'demo://resource/no-such-thing' });
    expect(missing.status).toBe(502);
    expect(missing.body.code).toBe('UPSTREAM_ERROR');
    expect(missing.body.details.upstreamMessage.length).toBeGreaterThan(0);

    expect((await api.callTool('everything', 'echo', { message: 'still fine' })).status).toBe(200);
  });

  it('keeps stderr of stdio servers and lists, reads and renders resources and prompts', async () => {
    const logs = await api.get('/api/servers/everything/logs');
    expect(logs.status).toBe(200);
    expect(logs.body.lines.length).toBeGreaterThan(0);

    const { body: listed } = await api.get('/api/resources?server=everything');
    const resource = listed.resources[0];
    const read = await api.send('POST', '/api/resources/read', { uri: resource.uri });
    expect(read.status).toBe(200);
    expect(read.body.server).toBe('everything');
    expect(read.body.contents[0].uri).toBe(resource.uri);

    const { body: prompts } = await api.get('/api/prompts?server=everything');
    const simple = prompts.find((p: { arguments: unknown[] }) => p.arguments.length === 0);
    const rendered = await api.send('POST', `/api/prompts/everything/${simple.name}/get`, {});
    expect(rendered.status).toBe(200);
    expect(rendered.body.messages.length).toBeGreaterThan(0);
  });

  it('leaves no upstream child process behind when the hub exits', async () => {
    const pids = [(await api.server('everything')).pid, (await api.server('memory')).pid];
    expect(pids.every(processAlive)).toBe(true);
    hub.signal('SIGTERM');
    expect((await hub.exited).code).toBe(0);
    expect(pids.filter(processAlive)).toEqual([]);
    const producers = hub.logs.find((l) => l.msg.startsWith('Shutdown phase producers started'));
    expect(producers?.msg).toContain('upstream-mcp-servers');
  });
});
