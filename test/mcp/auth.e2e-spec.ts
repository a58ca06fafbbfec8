import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HubProcess, NodeProcess, ROOT } from '../support/hub-process';
import { jsonOf } from '../support/http';
import { EVERYTHING_BIN, MEMORY_BIN } from '../support/mcp-servers';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

const run = promisify(execFile);

describe('API keys, scopes, profile-bound keys, origin checks and rate limits (AUTH_MODE=api-key)', () => {
  const databaseUrl = freshDatabaseUrl();
  let dir: string;
  let hub: HubProcess;
  let admin: string;
  const clients: Client[] = [];

  const call = async (path: string, key?: string, init: RequestInit = {}) => {
    const response = await fetch(hub.url(path), { ...init, headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers ?? {}) } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const createKey = async (body: object) => (await call('/api/keys', admin, { method: 'POST', body: JSON.stringify(body) })).body.key as string;
  const mcpClient = async (path: string, key: string) => {
    const client = new Client({ name: 'auth-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(hub.url(path)), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-auth-'));
    await writeFile(
      join(dir, 'servers.json'),
      JSON.stringify({
        mcpServers: {
          everything: { command: process.execPath, args: [EVERYTHING_BIN] },
          memory: { command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') } },
        },
        profiles: { reader: { servers: ['memory'], tools: { include: ['memory__read_*'] } } },
      }),
    );
    const created = await run(process.execPath, [join(ROOT, 'dist/src/platform/auth/create-key.js'), '--name', 'bootstrap', '--scopes', 'admin'], {
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
    });
    admin = created.stdout.trim();
    expect(created.stderr).toContain('Created API key "bootstrap"');
    hub = await HubProcess.start({
      DATABASE_URL: databaseUrl,
      MCP_SERVERS_CONFIG: join(dir, 'servers.json'),
      REDIS_KEY_PREFIX: `test-auth-${process.pid}:`,
      AUTH_MODE: 'api-key',
      RATE_LIMIT_PER_MINUTE: '60',
    });
    for (const name of ['everything', 'memory']) {
      for (let i = 0; i < 200 && (await call(`/api/servers/${name}`, admin)).body?.catalog?.tools === 0; i++) await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await hub?.stop();
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('answers 401 without a key (health stays open) and with an unknown key', async () => {
    expect((await call('/api/health/ready')).status).toBe(200);
    // mcp-hub's health body names servers: not served without keys where keys are required
    const compat = await call('/api/health?format=mcp-hub');
    expect({ status: compat.status, code: compat.body.code }).toEqual({ status: 403, code: 'FORMAT_NEEDS_AUTH_MODE_NONE' });
    expect((await call('/api/servers/info')).status).toBe(401);
    const missing = await call('/api/servers');
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('UNAUTHENTICATED');
    expect((await call('/api/servers', 'mcphub_not-a-real-key')).status).toBe(401);
    const mcp = await fetch(hub.url('/mcp'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(mcp.status).toBe(401);
  });

  it('shows a secret once, stores it hashed, and deletes keys', async () => {
    const created = await call('/api/keys', admin, { method: 'POST', body: JSON.stringify({ name: 'temp', scopes: ['read'] }) });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^mcphub_[A-Za-z0-9_-]{40,}$/);
    const listed = await call('/api/keys', admin);
    expect(listed.body.map((k: { name: string }) => k.name)).toEqual(['bootstrap', 'temp']);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await call('/api/servers', created.body.key)).status).toBe(200);
    expect((await call(`/api/keys/${created.body.id}`, admin, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/keys/${created.body.id}`, admin, { method: 'DELETE' })).status).toBe(404);
    expect((await call('/api/keys', admin, { method: 'POST', body: JSON.stringify({ name: 'x', scopes: ['root'] }) })).status).toBe(400);
  });

  it('answers 403 when the scope is wrong; creating stdio servers needs admin', async () => {
    const read = await createKey({ name: 'reader-key', scopes: ['read'] });
    const mcp = await createKey({ name: 'agent', scopes: ['mcp'] });
    expect((await call('/api/servers', read)).status).toBe(200);
    const write = await call('/api/servers', read, { method: 'POST', body: JSON.stringify({ name: 'x', command: 'sh' }) });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('INSUFFICIENT_SCOPE');
    expect((await call('/api/tools/everything/echo/call', read, { method: 'POST', body: JSON.stringify({ arguments: { message: 'hi' } }) })).status).toBe(403);
    expect((await call('/api/tools/everything/echo/call', mcp, { method: 'POST', body: JSON.stringify({ arguments: { message: 'hi' } }) })).status).toBe(200);
    expect((await call('/api/servers', mcp, { method: 'POST', body: JSON.stringify({ name: 'x', command: 'sh' }) })).status).toBe(403);
    const readMcp = await fetch(hub.url('/mcp'), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${read}` }, body: '{}' });
    expect(readMcp.status).toBe(403);

    const client = await mcpClient('/mcp', mcp);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'memory__create_entities']));
  });

  it('lets a key bound to a profile see only that profile', async () => {
    const bound = await createKey({ name: 'bound', scopes: ['mcp'], profile: 'reader' });
    const client = await mcpClient('/mcp', bound);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names.filter((n) => !n.startsWith('hub__'))).toEqual(['memory__read_graph']);
    await expect(client.callTool({ name: 'everything__echo', arguments: { message: 'x' } })).rejects.toThrow(/Unknown tool/);
    const other = await fetch(hub.url('/mcp/servers/everything'), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bound}` }, body: '{}' });
    expect(other.status).toBe(403);
    expect((await jsonOf(other)).code).toBe('PROFILE_BOUND_KEY');
    expect((await call('/api/servers', bound)).status).toBe(403);
  });

  it('keeps a session to the key that opened it', async () => {
    const owner = await createKey({ name: 'owner', scopes: ['mcp'] });
    const transport = new StreamableHTTPClientTransport(new URL(hub.url('/mcp')), { requestInit: { headers: { authorization: `Bearer ${owner}` } } });
    const client = new Client({ name: 'owner', version: '1' });
    await client.connect(transport);
    clients.push(client);
    const stolen = await fetch(hub.url('/mcp'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${admin}`, 'mcp-session-id': transport.sessionId! },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(stolen.status).toBe(404);
  });

  it('refuses a foreign Origin or Host on /mcp with 403 (DNS-rebinding protection)', async () => {
    const evilOrigin = await fetch(hub.url('/mcp'), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example', authorization: `Bearer ${admin}` }, body: '{}' });
    expect(evilOrigin.status).toBe(403);
    expect((await jsonOf(evilOrigin)).error.message).toContain('Origin http://evil.example is not allowed');
  });

  it('rate-limits each key and says when to retry', async () => {
    const burst = await createKey({ name: 'burst', scopes: ['read'] });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 61; i++) {
      const response = await call('/api/servers', burst);
      statuses.push(response.status);
      retryAfter ??= response.headers.get('retry-after');
    }
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await call('/api/servers', admin)).status).toBe(200);
  });
});

describe('binding without authentication', () => {
  it('refuses a non-loopback HOST with AUTH_MODE=none unless ALLOW_INSECURE_BIND is set', async () => {
    const hub = new NodeProcess('dist/src/main.js', { HOST: '0.0.0.0', PORT: '1' });
    expect((await hub.exited).code).toBe(1);
    expect(hub.stderr.join('\n')).toContain('Refusing to listen on 0.0.0.0 without authentication');
  });
});
