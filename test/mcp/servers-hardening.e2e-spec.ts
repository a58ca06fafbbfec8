import { CountingProxy } from '../support/counting-proxy';
import { HubFixture } from '../support/hub-fixture';
import { sleep } from '../support/hub-process';
import { Json, jsonOf } from '../support/http';
import { EVERYTHING_BIN, EverythingHttpServer } from '../support/mcp-servers';
import { queryDatabase } from '../support/test-database';

const MAX_MESSAGE_BYTES = 1024 * 1024;
const CRASH = { command: process.execPath, args: ['-e', 'process.exit(3)'], retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100, multiplier: 2 } };

describe('servers: create races, field limits, unavailable servers, catalog before connected, oversized results', () => {
  let fixture: HubFixture;
  let http: EverythingHttpServer;
  let proxy: CountingProxy;

  beforeAll(async () => {
    http = await EverythingHttpServer.started();
    proxy = await CountingProxy.inFrontOf(http.url);
    fixture = await HubFixture.start(
      'hardening',
      { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] }, crashes: CRASH } },
      { env: { MCP_UPSTREAM_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), ALLOW_REST_STDIO_SERVERS: 'true' }, ready: ['everything'] },
    );
  });

  afterAll(async () => {
    await fixture?.stop();
    await proxy?.stop();
    await http?.stop();
  });

  const call = (server: string, tool: string, body: object) =>
    fetch(fixture.hub.url(`/api/tools/${server}/${tool}/call`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('creates a name once when 8 requests race for it: one 201, seven 409, and the stored entry is the winner', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => fixture.api.send('POST', '/api/servers', { name: 'raced', command: 'mcp-hub-none', args: [`attempt-${i}`], disabled: true })),
    );
    const statuses = attempts.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(attempts.filter((a) => a.status === 409).every((a) => a.body.code === 'SERVER_EXISTS')).toBe(true);
    const winner = attempts.find((a) => a.status === 201)!.body;
    const rows = await queryDatabase<{ name: string }>(fixture.databaseUrl, `SELECT name FROM mcp_hub.mcp_servers WHERE name = 'raced'`);
    expect(rows).toHaveLength(1);
    expect((await fixture.api.server('raced')).config.transport.args).toEqual(winner.config.transport.args);
  });

  it('rejects oversized or malformed server fields with 400 naming the field, and logs none of them', async () => {
    const huge = 'c'.repeat(2 * 1024 * 1024);
    const stdio = { name: 'too-big', command: 'mcp-hub-none', disabled: true };
    const remote = { name: 'too-big', url: 'http://127.0.0.1:9/mcp', disabled: true };
    const cases: [string, object][] = [
      ['cwd', { ...stdio, cwd: huge }],
      ['command', { ...stdio, command: 'x'.repeat(5000) }],
      ['command', { ...stdio, command: 'node\u0000' }],
      ['args', { ...stdio, args: Array.from({ length: 300 }, (_, i) => `a${i}`) }],
      ['args', { ...stdio, args: ['a'.repeat(20_000)] }],
      ['env', { ...stdio, env: { ['K'.repeat(300)]: 'v' } }],
      ['env', { ...stdio, env: { 'BAD=KEY': 'v' } }],
      ['env', { ...stdio, env: { TOKEN: 'v'.repeat(40_000) } }],
      ['env', { ...stdio, env: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`K${i}`, 'v'])) }],
      ['url', { ...remote, url: `http://127.0.0.1:9/${'p'.repeat(5000)}` }],
      ['headers', { ...remote, headers: { 'X-A': 'a\r\nInjected: 1' } }],
      ['headers', { ...remote, headers: { 'bad header': 'v' } }],
      ['headers', { ...remote, headers: { 'X-Long': 'h'.repeat(20_000) } }],
      ['dependsOn', { ...stdio, dependsOn: Array.from({ length: 200 }, (_, i) => `s${i}`) }],
    ];
    for (const [field, body] of cases) {
      const response = await fixture.api.send('POST', '/api/servers', body);
      expect({ field, status: response.status, code: response.body.code }).toEqual({ field, status: 400, code: 'VALIDATION_FAILED' });
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(JSON.stringify(response.body).length).toBeLessThan(2000);
    }
    expect((await fixture.api.get('/api/servers/too-big')).status).toBe(404);
    expect(fixture.hub.output).not.toContain('c'.repeat(1000));
  });

  it('reads timeoutMs only as an integer: true, "5000" and [5] are 400, not 1 ms or 5 ms', async () => {
    for (const timeoutMs of [true, '5000', [5], 0.5]) {
      const response = await call('everything', 'echo', { arguments: { message: 'hi' }, timeoutMs });
      const body = await jsonOf(response);
      expect({ timeoutMs, status: response.status, fields: [...new Set(body.details?.map((d: { field: string }) => d.field))] }).toEqual({ timeoutMs, status: 400, fields: ['timeoutMs'] });
    }
    expect((await call('everything', 'echo', { arguments: { message: 'hi' }, timeoutMs: 5000 })).status).toBe(200);
  });

  it('answers 503 naming the server and its state, with Retry-After, for tools of a server that is not connected', async () => {
    await fixture.api.waitForState('crashes', 'failed');
    const crashed = await call('crashes', 'anything', { arguments: {} });
    const body = await jsonOf(crashed);
    expect(crashed.status).toBe(503);
    expect(body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { server: 'crashes', state: 'failed' } });
    expect(body.message).toMatch(/"crashes" is failed/);
    expect(Number(crashed.headers.get('retry-after'))).toBeGreaterThan(0);

    expect((await fixture.api.send('POST', '/api/servers/everything/stop')).status).toBe(200);
    const stopped = await call('everything', 'echo', { arguments: { message: 'hi' } });
    expect(stopped.status).toBe(503);
    expect(await jsonOf(stopped)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { server: 'everything', state: 'stopped' } });
    expect(Number(stopped.headers.get('retry-after'))).toBeGreaterThan(0);
    await fixture.api.send('POST', '/api/servers/everything/start');
    await fixture.api.waitForState('everything', 'connected');

    const unknown = await call('no-such-server', 'echo', { arguments: {} });
    expect(unknown.status).toBe(404);
  });

  it('reports a server connected only once its catalog is stored, so a tool call made right then succeeds', async () => {
    proxy.delay('tools/list', 1500);
    expect((await fixture.api.send('POST', '/api/servers', { name: 'slow-catalog', url: proxy.url, type: 'streamable-http' })).status).toBe(201);
    let server: Json;
    for (;;) {
      server = await fixture.api.server('slow-catalog');
      if (server.state === 'connected') break;
      expect(server.state).toMatch(/^(stopped|connecting)$/);
      await sleep(10);
    }
    const sum = await fixture.api.callTool('slow-catalog', 'get-sum', { a: 1, b: 2 });
    expect(sum.status).toBe(200);
    expect(server.catalog.tools).toBeGreaterThan(0);
    expect(proxy.count('tools/list')).toBeGreaterThan(0);
  });

  it('answers a result over MCP_UPSTREAM_MAX_MESSAGE_BYTES with 502 naming its size and the limit, and keeps the connection', async () => {
    const before = await fixture.api.waitForState('everything', 'connected');
    const big = await call('everything', 'echo', { arguments: { message: 'x'.repeat(1_200_000) } });
    const body = await jsonOf(big);
    expect(big.status).toBe(502);
    expect(body.code).toBe('UPSTREAM_RESULT_TOO_LARGE');
    expect(body.details).toMatchObject({ server: 'everything', limitBytes: MAX_MESSAGE_BYTES });
    expect(body.details.bytes).toBeGreaterThan(1_200_000);
    expect(body.message).toContain(`${body.details.bytes} bytes`);
    expect(body.message).toContain(`${MAX_MESSAGE_BYTES} bytes`);
    expect(body.message).toContain('MCP_UPSTREAM_MAX_MESSAGE_BYTES');

    const after = await fixture.api.server('everything');
    expect({ state: after.state, pid: after.pid, since: after.since }).toEqual({ state: 'connected', pid: before.pid, since: before.since });
    const small = await fixture.api.callTool('everything', 'echo', { message: 'still here' });
    expect(small.body.content[0].text).toBe('Echo: still here');
    const underLimit = await fixture.api.callTool('everything', 'echo', { message: 'y'.repeat(900_000) });
    expect(underLimit.status).toBe(200);
    expect(underLimit.body.content[0].text).toHaveLength(900_006);
    expect(fixture.hub.logs.some((l) => l.context === 'Upstream:everything' && /over the limit of 1048576 bytes/.test(l.msg))).toBe(true);
  });
});
