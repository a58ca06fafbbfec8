import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { HubApi } from '../support/hub-api';
import { HubProcess, NodeProcess, sleep } from '../support/hub-process';
import { OAuthProtectedMcpServer } from '../support/oauth-mcp-server';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';

/** What a person's browser does with the authorization URL: the test server approves at once and sends it back to the hub. */
async function approveInBrowser(authorizationUrl: string): Promise<{ status: number; page: string }> {
  const approved = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(approved.status).toBe(302);
  const callback = await fetch(approved.headers.get('location')!);
  return { status: callback.status, page: await callback.text() };
}

describe('OAuth 2.1 for remote upstream servers', () => {
  const databaseUrl = freshDatabaseUrl();
  let dir: string;
  let upstream: OAuthProtectedMcpServer;
  let hub: HubProcess;
  let api: HubApi;
  let firstUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-oauth-'));
    upstream = await OAuthProtectedMcpServer.start();
    const file = join(dir, 'servers.json');
    await writeFile(file, JSON.stringify({ mcpServers: { secure: { url: upstream.url, type: 'streamable-http', isolation: 'shared' } } }));
    const port = await freePort();
    hub = await HubProcess.launch(
      new HubProcess(port, {
        DATABASE_URL: databaseUrl,
        REDIS_KEY_PREFIX: `test-oauth-${process.pid}:`,
        MCP_SERVERS_CONFIG: file,
        SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        MCP_HUB_PUBLIC_URL: `http://127.0.0.1:${port}`,
      }),
    );
    api = new HubApi(hub);
  });

  afterAll(async () => {
    await hub?.stop();
    await upstream?.stop();
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('discovers the authorization server from the 401, registers, and waits unauthorized with a PKCE authorization URL', async () => {
    const server = await api.waitForState('secure', 'unauthorized');
    // the URL decides whose account the hub acts as: only the admin route hands it out
    expect(server.reason).toContain('mcp-hub servers authorize secure');
    expect(JSON.stringify(server)).not.toContain('/authorize?');
    firstUrl = (await api.get('/api/servers/secure/authorize')).body.authorizationUrl;
    const url = new URL(firstUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`http://127.0.0.1:${upstream.port}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'client-1',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      redirect_uri: hub.url('/api/oauth/callback'),
      state: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      resource: upstream.url,
    });
    expect(upstream.authorization.registrations).toBe(1);
    expect((await api.get('/api/servers/secure/authorize')).body).toEqual({ server: 'secure', authorizationUrl: firstUrl, state: 'unauthorized' });
    const compat = (await api.send('POST', '/api/servers/info', { server_name: 'secure' })).body.server;
    expect(compat).toMatchObject({ status: 'unauthorized', authorizationUrl: firstUrl });
  });

  it('finishes at the callback (the CLI prints the URL and waits), then lists the tools and calls them; tokens are not readable without the key', async () => {
    upstream.authorization.accessTokenSeconds = 3;
    const cli = new NodeProcess('dist/src/cli/main.js', { HUB_URL: hub.url('') }, ['servers', 'authorize', 'secure', '--timeout', '60']);
    for (let i = 0; i < 200 && !cli.stdout.some((line) => line.startsWith('http')); i++) await sleep(50);
    expect({ url: cli.stdout[0], output: cli.output }).toMatchObject({ url: firstUrl });

    const { status, page } = await approveInBrowser(firstUrl);
    expect(status).toBe(200);
    expect(page).toContain('The hub is authorized at secure');
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr.join('\n')).toContain('secure is authorized and connected');

    await api.waitForServer('secure', (s) => s.state === 'connected' && s.catalog.tools === 1);
    expect((await api.callTool('secure', 'whoami', {})).body.content[0].text).toBe('client client-1');
    expect(upstream.authorization.resources[0]).toBe(upstream.url);

    const [row] = await queryDatabase<Record<string, string>>(databaseUrl, 'SELECT * FROM mcp_hub.oauth_credentials');
    const stored = JSON.stringify(row);
    for (const accessToken of upstream.authorization.accessTokens.keys()) expect(stored).not.toContain(accessToken);
    expect(stored).not.toContain('client-1');
    expect(row.tokens).toMatch(/^v1\./);
    expect(row.client_information).toMatch(/^v1\./);
    // the code is single-use: replaying the callback finds no authorization in progress
    expect((await fetch(`${hub.url('/api/oauth/callback')}?code=x&state=${new URL(firstUrl).searchParams.get('state')}`)).status).toBe(404);
  });

  it('refreshes a token that expires mid-session without a failed call', async () => {
    const before = upstream.authorization.refreshes;
    const calls = upstream.calls.length;
    for (let i = 0; i < 4; i++) {
      const answer = await api.callTool('secure', 'whoami', {});
      expect({ status: answer.status, text: answer.body.content?.[0]?.text }).toEqual({ status: 200, text: 'client client-1' });
      await sleep(1500);
    }
    expect(upstream.calls.length - calls).toBe(4);
    expect(upstream.authorization.refreshes - before).toBeGreaterThanOrEqual(1);
    expect((await api.server('secure')).state).toBe('connected');
  });

  it('turns unauthorized again, with a new URL, when the refresh token is revoked', async () => {
    upstream.authorization.revokeRefreshTokens();
    upstream.authorization.expireAccessTokens();
    const again = await api.waitForState('secure', 'unauthorized');
    expect(again.reason).toContain('needs authorization');
    const newUrl = (await api.get('/api/servers/secure/authorize')).body.authorizationUrl;
    expect(newUrl).toEqual(expect.stringContaining('/authorize?'));
    expect(newUrl).not.toBe(firstUrl);
    const refused = await api.callTool('secure', 'whoami', {});
    expect(refused.status).toBe(503);

    upstream.authorization.accessTokenSeconds = 3600;
    expect((await approveInBrowser(newUrl)).status).toBe(200);
    await api.waitForState('secure', 'connected');
    expect((await api.callTool('secure', 'whoami', {})).body.content[0].text).toBe('client client-1');
  });
});

describe('OAuth without SECRETS_ENCRYPTION_KEY', () => {
  const databaseUrl = freshDatabaseUrl();
  let dir: string;
  let upstream: OAuthProtectedMcpServer;
  let hub: HubProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-oauth-nokey-'));
    upstream = await OAuthProtectedMcpServer.start();
    const file = join(dir, 'servers.json');
    await writeFile(file, JSON.stringify({ mcpServers: { secure: { url: upstream.url, type: 'streamable-http', retry: { maxAttempts: 1 } } } }));
    hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `test-oauth-nokey-${process.pid}:`, MCP_SERVERS_CONFIG: file });
  });

  afterAll(async () => {
    await hub?.stop();
    await upstream?.stop();
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('refuses to store credentials and says which variable to set', async () => {
    const failed = await new HubApi(hub).waitForState('secure', 'failed');
    expect(failed.lastError).toContain('set SECRETS_ENCRYPTION_KEY');
    expect(await queryDatabase(databaseUrl, 'SELECT server_name FROM mcp_hub.oauth_credentials')).toEqual([]);
  });
});
