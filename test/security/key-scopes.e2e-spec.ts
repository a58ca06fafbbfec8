import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { HubProcess, ROOT, sleep } from '../support/hub-process';
import { Json } from '../support/http';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

const run = promisify(execFile);

/**
 * With AUTH_MODE=api-key a key can do over MCP exactly what it can do over REST, the audit trail names
 * the key either way, and a deleted key stops working on every hub instance at once.
 */
describe('API keys: one scope rule for REST and MCP tools, revocation across instances, guessing throttled', () => {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `test-key-scopes-${process.pid}:`;
  let first: HubProcess;
  let second: HubProcess;
  let admin: string;
  const clients: Client[] = [];

  const call = async (hub: HubProcess, method: string, path: string, key?: string, body?: unknown) => {
    const response = await fetch(hub.url(path), {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
  };
  const createKey = async (name: string, scopes: string[]) => (await call(first, 'POST', '/api/keys', admin, { name, scopes })).body as { id: string; key: string };
  const mcpClient = async (hub: HubProcess, key: string) => {
    const client = new Client({ name: 'scope-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(hub.url('/mcp')), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    clients.push(client);
    return client;
  };
  const toolJson = (result: unknown) => JSON.parse(((result as CallToolResult).content[0] as { text: string }).text) as Json;

  beforeAll(async () => {
    const created = await run(process.execPath, [join(ROOT, 'dist/src/platform/auth/create-key.js'), '--name', 'bootstrap', '--scopes', 'admin'], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl } });
    admin = created.stdout.trim();
    const env = { DATABASE_URL: databaseUrl, MCP_SERVERS_CONFIG: join(ROOT, 'test/support/no-such-servers.json'), REDIS_KEY_PREFIX: prefix, AUTH_MODE: 'api-key', AUTH_FAILURES_PER_MINUTE: '20' };
    first = await HubProcess.start(env);
    second = await HubProcess.start({ ...env, TELEMETRY_CONSUMER_ENABLED: 'false', TRAINING_WORKER_ENABLED: 'false' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all([first?.stop(), second?.stop()]);
    await dropDatabase(databaseUrl);
  });

  it('a read,mcp key neither sees nor calls the ml__ tools that change things; an admin key does, and the audit names it', async () => {
    await call(first, 'POST', '/api/ml/datasets', admin, { uri: 'local://data/sample.csv', name: 'iris' });
    const job = (await call(first, 'POST', '/api/ml/training-jobs', admin, { adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'species', registerAs: 'scoped' })).body;
    for (let i = 0; i < 600 && (await call(first, 'GET', `/api/ml/training-jobs/${job.id}`, admin)).body.status !== 'succeeded'; i++) await sleep(100);

    const reader = await createKey('reader', ['read', 'mcp']);
    const readerClient = await mcpClient(first, reader.key);
    const visible = (await readerClient.listTools()).tools.map((t) => t.name);
    expect(visible).toContain('ml__list_models');
    expect(visible).not.toContain('ml__promote_model');
    expect(visible).not.toContain('ml__train');
    expect(visible).not.toContain('ml__cancel_job');

    const refused = await readerClient.callTool({ name: 'ml__promote_model', arguments: { name: 'scoped', version: 1, stage: 'Production' } });
    expect(refused.isError).toBe(true);
    expect(toolJson(refused)).toMatchObject({ error: 'INSUFFICIENT_SCOPE' });
    expect(toolJson(refused).message).toContain('"admin" scope');
    const cancel = await readerClient.callTool({ name: 'hub__call_tool', arguments: { name: 'ml__cancel_job', arguments: { id: job.id } } });
    expect(toolJson(cancel)).toMatchObject({ error: 'INSUFFICIENT_SCOPE' });
    expect((await call(first, 'POST', '/api/ml/models/scoped/versions/1/stage', reader.key, { stage: 'Production' })).status).toBe(403);
    expect((await call(first, 'GET', '/api/ml/models/scoped', admin)).body.versions[0].stage).not.toBe('Production');

    const adminClient = await mcpClient(first, admin);
    const promoted = await adminClient.callTool({ name: 'ml__promote_model', arguments: { name: 'scoped', version: 1, stage: 'Production', reason: 'over MCP' } });
    expect(promoted.isError).toBeFalsy();
    const history = (await call(first, 'GET', '/api/ml/models/scoped/history', admin)).body as { action: string; actor: string; reason: string | null }[];
    expect(history.find((h) => h.reason === 'over MCP')?.actor).toBe('key:bootstrap');
  });

  it('predicting is a read: a read key calls ml__predict and model__<name> as it calls the REST route; an mcp-only key does neither', async () => {
    const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    const reader = await createKey('predictor', ['read', 'mcp']);
    const readerClient = await mcpClient(first, reader.key);
    const visible = (await readerClient.listTools()).tools.map((t) => t.name);
    expect(visible).toEqual(expect.arrayContaining(['ml__predict', 'model__scoped']));
    const rest = await call(first, 'POST', '/api/ml/models/scoped/predict', reader.key, { instances: [row] });
    expect(rest.status).toBe(200);
    for (const [name, args] of [['ml__predict', { model: 'scoped', rows: [row] }], ['model__scoped', { rows: [row] }]] as const) {
      const result = (await readerClient.callTool({ name, arguments: args })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ model: { name: 'scoped', version: 1 }, predictions: rest.body.predictions });
    }

    const mcpOnly = await createKey('mcp-only', ['mcp']);
    const mcpOnlyClient = await mcpClient(first, mcpOnly.key);
    expect((await mcpOnlyClient.listTools()).tools.map((t) => t.name).filter((n) => n === 'ml__predict' || n.startsWith('model__'))).toEqual([]);
    for (const name of ['ml__predict', 'model__scoped']) {
      const refused = await mcpOnlyClient.callTool({ name, arguments: { model: 'scoped', rows: [row] } });
      expect(toolJson(refused)).toMatchObject({ error: 'INSUFFICIENT_SCOPE' });
      expect(toolJson(refused).message).toContain('"read" scope');
    }
    expect((await call(first, 'POST', '/api/ml/models/scoped/predict', mcpOnly.key, { instances: [row] })).status).toBe(403);
  });

  it('a deleted key stops working on the other instance within about a second, though that instance had just verified it, and its MCP sessions close', async () => {
    const key = await createKey('short-lived', ['read', 'mcp']);
    expect((await call(second, 'GET', '/api/servers', key.key)).status).toBe(200);
    await mcpClient(second, key.key);
    expect((await call(first, 'DELETE', `/api/keys/${key.id}`, admin)).status).toBe(204);
    let status = 200;
    for (let i = 0; i < 20 && status === 200; i++) {
      await sleep(100);
      status = (await call(second, 'GET', '/api/servers', key.key)).status;
    }
    expect(status).toBe(401);
    for (let i = 0; i < 20 && !second.logs.some((l) => l.msg === 'Closed 1 MCP session(s) of 1 deleted API key(s)'); i++) await sleep(100);
    expect(second.logs.filter((l) => l.msg.startsWith('Closed 1 MCP session(s)'))).toHaveLength(1);
  });

  it('after too many unknown keys from one address, the next attempt gets 429 without a lookup', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await call(second, 'GET', '/api/servers', `mcphub_guess-${i}`)).status);
    const firstRefusal = statuses.indexOf(429);
    // AUTH_FAILURES_PER_MINUTE=20, less the revoked key's failed attempt(s) just before
    expect(firstRefusal).toBeGreaterThan(15);
    expect(firstRefusal).toBeLessThanOrEqual(20);
    expect(new Set(statuses.slice(0, firstRefusal))).toEqual(new Set([401]));
    expect(new Set(statuses.slice(firstRefusal))).toEqual(new Set([429]));
    // a real key from that address is still looked up (its prefix is a stored key's), cached or not
    expect((await call(second, 'GET', '/api/servers', admin)).status).toBe(200);
    expect((await call(second, 'GET', '/api/servers', `${admin.slice(0, 13)}not-the-rest`)).status).toBe(401);
  });
});
