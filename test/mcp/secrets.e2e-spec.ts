import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { HubApi } from '../support/hub-api';
import { HubFixture } from '../support/hub-fixture';
import { HubProcess, sleep } from '../support/hub-process';
import { EverythingHttpServer, MEMORY_BIN } from '../support/mcp-servers';
import { queryDatabase } from '../support/test-database';

const SECRETS = ['legacy-env-secret', 'alice-pass', 'url-token', 'url-api-key', 'header-secret', 'arg-token', 'arg-api-key', 'arg-password', 'env-token', 'bob-pass', 'dead-token'];
const FAILING_RETRY = { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100, multiplier: 2 };

/** Every place a secret must not show up: the REST views, the stored rows, the log, the stored telemetry. */
async function leaks(hub: HubProcess, databaseUrl: string): Promise<string[]> {
  const places = {
    api: JSON.stringify((await new HubApi(hub).get('/api/servers')).body),
    database: JSON.stringify(await queryDatabase(databaseUrl, 'SELECT * FROM mcp_hub.mcp_servers')),
    log: hub.output,
    telemetry: JSON.stringify(await queryDatabase(databaseUrl, 'SELECT subject, data FROM mcp_hub.telemetry_events')),
  };
  return Object.entries(places).flatMap(([place, text]) => SECRETS.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${place}`));
}

describe('secrets of upstream servers: masked wherever shown, encrypted at rest with SECRETS_ENCRYPTION_KEY', () => {
  const key = randomBytes(32).toString('hex');
  let fixture: HubFixture;
  let http: EverythingHttpServer;
  let hub: HubProcess;
  let api: HubApi;
  let deadPort: number;
  const restart = async (env: Record<string, string>) => {
    await hub.stop();
    hub = await HubProcess.start({ DATABASE_URL: fixture.databaseUrl, MCP_SERVERS_CONFIG: fixture.serversFile, REDIS_KEY_PREFIX: `test-secrets-${process.pid}:`, ALLOW_REST_STDIO_SERVERS: 'true', ...env });
    api = new HubApi(hub);
  };

  beforeAll(async () => {
    http = await EverythingHttpServer.create();
    await http.start();
    deadPort = await freePort();
    fixture = await HubFixture.start('secrets', { mcpServers: {} }, { env: { ALLOW_REST_STDIO_SERVERS: 'true' } });
    hub = fixture.hub;
    api = fixture.api;
  });

  afterAll(async () => {
    await hub?.stop();
    await fixture?.stop();
    await http?.stop();
  });

  it('encrypts rows stored before a key was configured once the hub boots with one', async () => {
    expect((await api.send('POST', '/api/servers', { name: 'legacy', command: 'mcp-hub-none', env: { TOKEN: 'legacy-env-secret' }, disabled: true })).status).toBe(201);
    const [plain] = await queryDatabase<{ entry: object }>(fixture.databaseUrl, `SELECT entry FROM mcp_hub.mcp_servers WHERE name = 'legacy'`);
    expect(JSON.stringify(plain.entry)).toContain('legacy-env-secret');

    await restart({ SECRETS_ENCRYPTION_KEY: key });
    const [sealed] = await queryDatabase<{ entry: object; encrypted_fields: string }>(fixture.databaseUrl, `SELECT entry, encrypted_fields FROM mcp_hub.mcp_servers WHERE name = 'legacy'`);
    expect(sealed.entry).toEqual({ command: 'mcp-hub-none', disabled: true });
    expect(sealed.encrypted_fields).toMatch(/^v1\./);
    expect((await api.server('legacy')).config.transport.env).toEqual({ TOKEN: '********' });
  });

  it('masks URL credentials and query tokens, headers, --token args and env, and still connects with them', async () => {
    const credentialsUrl = `http://alice:alice-pass@127.0.0.1:${http.port}/mcp?token=url-token&api_key=url-api-key&page=2`;
    const remote = await api.send('POST', '/api/servers', { name: 'creds', url: credentialsUrl, headers: { 'X-Api-Key': 'header-secret' }, type: 'streamable-http' });
    expect(remote.status).toBe(201);
    expect(remote.body.config.transport).toMatchObject({
      url: `http://alice:********@127.0.0.1:${http.port}/mcp?token=********&api_key=********&page=2`,
      headers: { 'X-Api-Key': '********' },
    });
    const stdio = await api.send('POST', '/api/servers', {
      name: 'argsy',
      command: process.execPath,
      args: [MEMORY_BIN, '--token=arg-token', '--api-key', 'arg-api-key', '--password=arg-password'],
      env: { MEMORY_FILE_PATH: join(fixture.dir, 'memory.jsonl'), API_TOKEN: 'env-token' },
    });
    expect(stdio.status).toBe(201);
    expect(stdio.body.config.transport.args).toEqual([MEMORY_BIN, '--token=********', '--api-key', '********', '--password=********']);
    const dead = await api.send('POST', '/api/servers', { name: 'dead', url: `http://bob:bob-pass@127.0.0.1:${deadPort}/mcp?access_token=dead-token`, retry: FAILING_RETRY });
    expect(dead.status).toBe(201);

    await api.waitForServer('creds', (s) => s.state === 'connected' && s.catalog.tools > 0);
    expect((await api.callTool('creds', 'echo', { message: 'with credentials' })).body.content[0].text).toBe('Echo: with credentials');
    await api.waitForServer('argsy', (s) => s.state === 'connected' && s.catalog.tools > 0);
    const failed = await api.waitForState('dead', 'failed');
    expect(failed.lastError).toMatch(/ECONNREFUSED|fetch failed/);

    const rows = await queryDatabase<{ name: string; encrypted_fields: string | null }>(fixture.databaseUrl, 'SELECT name, encrypted_fields FROM mcp_hub.mcp_servers ORDER BY name');
    expect(rows.map((r) => [r.name, /^v1\./.test(r.encrypted_fields ?? '')])).toEqual([
      ['argsy', true],
      ['creds', true],
      ['dead', true],
      ['legacy', true],
    ]);
    // the failed connection's state change reaches the telemetry table with its reason
    let stored: { reason: string }[] = [];
    for (let i = 0; i < 100 && stored.length === 0; i++) {
      stored = await queryDatabase(fixture.databaseUrl, `SELECT data->>'reason' AS reason FROM mcp_hub.telemetry_events WHERE subject = 'dead' AND data->>'to' = 'failed'`);
      if (stored.length === 0) await sleep(100);
    }
    expect(stored[0].reason).toMatch(/^gave up after 2 attempt/);
    expect(await leaks(hub, fixture.databaseUrl)).toEqual([]);
  });

  it('decrypts them after a restart with the same key, and skips them, naming the key, with another', async () => {
    await restart({ SECRETS_ENCRYPTION_KEY: key });
    await api.waitForServer('creds', (s) => s.state === 'connected' && s.catalog.tools > 0);
    await api.waitForServer('argsy', (s) => s.state === 'connected' && s.catalog.tools > 0);
    expect((await api.callTool('creds', 'echo', { message: 'again' })).status).toBe(200);

    await restart({ SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    const skipped = await hub.waitForLog((l) => l.context === 'ServersConfig' && /API server creds .*SECRETS_ENCRYPTION_KEY/.test(l.msg));
    expect(skipped.msg).toMatch(/encrypted with another key/);
    expect((await api.get('/api/servers/creds')).status).toBe(404);
    const patch = await api.send('PATCH', '/api/servers/creds', { disabled: true });
    expect(patch).toMatchObject({ status: 409, body: { code: 'SERVER_SECRETS_UNREADABLE' } });
    expect(patch.body.message).toMatch(/encrypted with another key/);
    expect((await api.send('DELETE', '/api/servers/creds')).status).toBe(204);
    expect(await leaks(hub, fixture.databaseUrl)).toEqual([]);
  });
});
