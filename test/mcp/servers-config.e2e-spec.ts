import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubApi } from '../support/hub-api';
import { HubProcess, sleep } from '../support/hub-process';
import { EVERYTHING_BIN, EverythingHttpServer, MEMORY_BIN } from '../support/mcp-servers';
import { SseRecorder } from '../support/sse';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';

describe('servers configuration: dependencies, hot reload, REST-managed servers', () => {
  const databaseUrl = freshDatabaseUrl();
  let dir: string;
  let file: string;
  let late: EverythingHttpServer;
  let legacy: EverythingHttpServer;
  let hub: HubProcess;
  let api: HubApi;
  let events: SseRecorder;
  let servers: Record<string, object>;

  const writeServers = (content: string | object) => writeFile(file, typeof content === 'string' ? content : JSON.stringify({ mcpServers: content }, null, 2));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-config-'));
    file = join(dir, 'servers.json');
    late = await EverythingHttpServer.create();
    legacy = await EverythingHttpServer.create('sse');
    await legacy.start();
    servers = {
      base: { command: process.execPath, args: [EVERYTHING_BIN] },
      late: { url: late.url, type: 'streamable-http', retry: { maxAttempts: 1000, initialDelayMs: 50, maxDelayMs: 200, multiplier: 2 } },
      dependent: { command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') }, dependsOn: ['late'] },
      legacy: { url: legacy.url },
    };
    await writeServers(`// comments are fine here\n${JSON.stringify({ mcpServers: servers }, null, 2)}`);
    hub = await HubProcess.start({ DATABASE_URL: databaseUrl, MCP_SERVERS_CONFIG: file, REDIS_KEY_PREFIX: `test-config-${process.pid}:`, ALLOW_REST_STDIO_SERVERS: 'true' });
    api = new HubApi(hub);
    events = new SseRecorder();
    await events.open(hub.url('/api/events?types=mcp.'));
  });

  afterAll(async () => {
    await events?.close();
    await hub?.stop();
    await late?.stop();
    await legacy?.stop();
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('falls back to the legacy SSE transport when a URL without a type does not speak Streamable HTTP', async () => {
    const server = await api.waitForServer('legacy', (s) => s.state === 'connected' && s.catalog.tools > 0);
    expect(server.transport).toBe('sse');
    expect((await api.callTool('legacy', 'echo', { message: 'old but fine' })).body.content[0].text).toBe('Echo: old but fine');
  });

  it('keeps a server waiting until its dependency connects, saying why', async () => {
    await api.waitForState('base', 'connected');
    const waiting = await api.waitForState('dependent', 'waiting');
    expect(waiting.reason).toMatch(/^waiting for late \((connecting|backoff)\)$/);

    await late.start();
    await api.waitForState('late', 'connected');
    const dependent = await api.waitForState('dependent', 'connected');
    expect(dependent.pid).toEqual(expect.any(Number));
    const transitions = events.messages.filter((m) => m.event === 'mcp.server.state' && ['late', 'dependent'].includes(m.data.subject)).map((m) => `${m.data.subject}:${m.data.data.to}`);
    expect(transitions.indexOf('late:connected')).toBeLessThan(transitions.indexOf('dependent:connecting'));
  });

  it('hot reload restarts only the server whose entry changed', async () => {
    const base = await api.waitForState('base', 'connected');
    const dependent = await api.waitForState('dependent', 'connected');
    servers = { ...servers, dependent: { ...servers.dependent, env: { MEMORY_FILE_PATH: join(dir, 'memory-2.jsonl') } } };
    await writeServers(servers);

    const restarted = await api.waitForServer('dependent', (s) => s.state === 'connected' && s.pid !== dependent.pid);
    expect(restarted.pid).not.toBe(dependent.pid);
    const baseAfter = await api.server('base');
    expect({ pid: baseAfter.pid, since: baseAfter.since, state: baseAfter.state }).toEqual({ pid: base.pid, since: base.since, state: 'connected' });
    const reload = await events.waitFor((m) => m.event === 'mcp.config.reloaded' && m.data.data.changed.includes('dependent'));
    expect(reload.data.data).toMatchObject({ added: [], removed: [], changed: ['dependent'] });
  });

  it('rejects an invalid file, naming the cycle, and keeps the last good configuration running', async () => {
    const base = await api.server('base');
    await writeServers({ ...servers, base: { ...servers.base, dependsOn: ['dependent'] }, dependent: { ...servers.dependent, dependsOn: ['base'] } });
    let status;
    for (let i = 0; i < 100 && (status = (await api.get('/api/servers/config-status')).body).ok; i++) await sleep(50);
    expect(status).toMatchObject({ ok: false, exists: true, watching: true, fileServers: 4, problems: ['dependency cycle: base → dependent → base'] });
    await events.waitFor((m) => m.event === 'mcp.config.invalid');
    // the event is published as the log line is written; stdout may reach the test a moment later
    await hub.waitForLog((l) => l.level === 50 && l.msg.includes('dependency cycle: base → dependent → base'), 5000);
    expect((await api.server('base')).pid).toBe(base.pid);

    await writeServers(servers);
    for (let i = 0; i < 100 && !(status = (await api.get('/api/servers/config-status')).body).ok; i++) await sleep(50);
    expect(status.ok).toBe(true);
    expect((await api.server('base')).pid).toBe(base.pid);
  });

  it('disables only the entry with an unset variable; the rest of the file runs', async () => {
    const base = await api.waitForState('base', 'connected');
    await writeServers({ ...servers, broken: { command: 'x', env: { T: '${MCP_HUB_TEST_UNSET}' } } });
    let status;
    for (let i = 0; i < 100 && !(status = (await api.get('/api/servers/config-status')).body).problems[0]?.includes('UNSET'); i++) await sleep(50);
    expect(status).toMatchObject({ ok: true, problems: ['mcpServers.broken.env.T: environment variable MCP_HUB_TEST_UNSET is not set'] });
    const broken = await api.waitForState('broken', 'disabled');
    expect(broken.reason).toBe('not started: its entry in the servers file cannot run as written: env.T: environment variable MCP_HUB_TEST_UNSET is not set');
    expect((await api.server('base')).pid).toBe(base.pid);
    await writeServers(servers);
    for (let i = 0; i < 100 && (await api.get('/api/servers/config-status')).body.problems.length > 0; i++) await sleep(50);
  });

  it('adds, changes and removes servers over REST, stored in PostgreSQL; the file wins on a name clash', async () => {
    const created = await api.send('POST', '/api/servers', { name: 'api-memory', command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(dir, 'api.jsonl'), SECRET_TOKEN: 'hunter2' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'api-memory', source: 'api', config: { transport: { env: { SECRET_TOKEN: '********' } } } });
    expect(JSON.stringify(created.body)).not.toContain('hunter2');
    await api.waitForServer('api-memory', (s) => s.state === 'connected' && s.catalog.tools > 0);
    const stored = await queryDatabase<{ name: string }>(databaseUrl, 'SELECT name FROM mcp_hub.mcp_servers');
    expect(stored.map((r) => r.name)).toEqual(['api-memory']);

    expect((await api.send('POST', '/api/servers', { name: 'api-memory', command: 'x' })).body.code).toBe('SERVER_EXISTS');
    const clash = await api.send('POST', '/api/servers', { name: 'base', command: 'x' });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('SERVER_DEFINED_IN_FILE');
    expect((await api.send('PATCH', '/api/servers/base', { retry: { maxAttempts: 2 } })).status).toBe(409);
    expect((await api.send('DELETE', '/api/servers/base')).status).toBe(409);

    const invalid = await api.send('POST', '/api/servers', { name: 'bad', retry: { maxAttempts: 0 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details).toEqual([{ field: 'retry.maxAttempts', reason: 'maxAttempts must not be less than 1' }]);
    expect((await api.send('POST', '/api/servers', { name: 'bad' })).body.details).toEqual([
      { field: 'command/url', reason: 'one of command (stdio) or url (remote) is required' },
    ]);
    expect((await api.send('POST', '/api/servers', { name: 'bad name', command: 'x' })).body.details[0].field).toBe('name');

    expect((await api.send('POST', '/api/servers', { name: 'c1', command: 'mcp-hub-none', disabled: true })).status).toBe(201);
    expect((await api.send('POST', '/api/servers', { name: 'c2', command: 'mcp-hub-none', disabled: true, dependsOn: ['c1'] })).status).toBe(201);
    const cycle = await api.send('PATCH', '/api/servers/c1', { dependsOn: ['c2'] });
    expect(cycle.status).toBe(400);
    expect(cycle.body.details).toEqual([{ field: 'dependsOn', reason: 'dependency cycle: c1 → c2 → c1' }]);
    expect((await api.send('POST', '/api/servers', { name: 'c3', command: 'x', dependsOn: ['ghost'] })).body.details).toEqual([
      { field: 'dependsOn', reason: 'server "c3" depends on unknown server "ghost"' },
    ]);
    expect((await api.server('c1')).state).toBe('disabled');

    const patched = await api.send('PATCH', '/api/servers/api-memory', { healthCheck: { intervalMs: 1000 } });
    expect(patched.status).toBe(200);
    expect(patched.body.config.healthCheck.intervalMs).toBe(1000);

    expect((await api.send('DELETE', '/api/servers/api-memory')).status).toBe(204);
    expect((await api.get('/api/servers/api-memory')).status).toBe(404);
    const rows = await queryDatabase(databaseUrl, `SELECT 1 FROM mcp_hub.catalog_tools WHERE server_name = 'api-memory'`);
    expect(rows).toEqual([]);

    await writeServers({ ...servers, c1: { command: process.execPath, args: [EVERYTHING_BIN] } });
    const fileWins = await api.waitForServer('c1', (s) => s.source === 'file');
    expect(fileWins.source).toBe('file');
    expect((await api.get('/api/servers')).body.shadowed).toEqual(['c1']);
  });
});
