import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { MEMORY_BIN } from '../support/mcp-servers';
import { rawRequest } from '../support/raw-http';

/**
 * A web page must not drive the hub: not by DNS rebinding (its requests carry its own Host), not by
 * CSRF (a foreign Origin, or a body type a form can send without a preflight). With AUTH_MODE=none,
 * adding a process over REST takes ALLOW_REST_STDIO_SERVERS=true even from loopback.
 */
describe('REST refuses foreign Host/Origin, form-style bodies and stdio servers without auth', () => {
  let fixture: HubFixture;
  const marker = () => join(fixture.dir, 'pwned');
  const payload = () => JSON.stringify({ name: 'evil', command: '/bin/sh', args: ['-c', `touch ${marker()}`] });
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) => rawRequest(fixture.hub.port, method, path, { headers, body });

  beforeAll(async () => {
    fixture = await HubFixture.start('rest-origin', (dir) => ({ mcpServers: { memory: { command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(dir, 'm.jsonl') } } } }), {
      ready: ['memory'],
    });
  });

  afterAll(() => fixture?.stop());

  it('refuses a DNS-rebound page (foreign Host) on every route, reads included, and runs nothing', async () => {
    const host = `attacker.example:${fixture.hub.port}`;
    const created = await send('POST', '/api/servers', { host, origin: `http://${host}`, 'content-type': 'application/json' }, payload());
    expect(created.status).toBe(403);
    expect(created.json.message).toContain('attacker.example');
    expect((await send('GET', '/api/servers', { host })).status).toBe(403);
    expect((await send('GET', '/metrics', { host })).status).toBe(403);
    expect((await send('GET', '/api-docs-json', { host })).status).toBe(403);
    // health probes answer any Host; mcp-hub's health body lists servers and keeps the Host rule
    expect((await send('GET', '/api/health', { host })).status).toBe(200);
    expect((await send('GET', '/api/health?format=mcp-hub', { host })).status).toBe(403);
    expect((await send('GET', '/api/health?%66ormat=mcp-hub', { host })).status).toBe(403);
    expect((await send('GET', '/api/servers/info', { host })).status).toBe(403);
    expect(existsSync(marker())).toBe(false);
  });

  it('refuses a cross-site request (foreign Origin), even one without a body, and the server keeps running', async () => {
    const stop = await send('POST', '/api/servers/memory/stop', { host: `127.0.0.1:${fixture.hub.port}`, origin: 'https://evil.example' });
    expect(stop.status).toBe(403);
    expect(stop.json.code).toBe('FORBIDDEN_ORIGIN');
    expect((await fixture.api.server('memory')).state).toBe('connected');
    expect((await send('GET', '/api/servers', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await send('GET', '/api/servers', { origin: 'null' })).status).toBe(403);
  });

  it('refuses state-changing bodies a plain form can send (text/plain, urlencoded, multipart outside uploads)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await send('POST', '/api/ml/experiments', { 'content-type': type }, '{"name":"csrf"}');
      expect({ type, status: response.status }).toEqual({ type, status: 415 });
    }
    const untyped = await send('POST', '/api/ml/experiments', { 'content-length': '15' }, '{"name":"csrf"}');
    expect(untyped.status).toBe(415);
    expect((await send('GET', '/api/ml/experiments', {})).text).not.toContain('"csrf"');
  });

  it('lets health probes in whatever Host they use, but not a foreign Origin', async () => {
    expect((await send('GET', '/api/health/live', { host: 'hub-0.hub.svc.cluster.local:3456' })).status).toBe(200);
    expect((await send('GET', '/api/health/ready', { host: '10.0.0.7:3456' })).status).not.toBe(403);
    expect((await send('GET', '/api/health/live', { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('accepts loopback origins, JSON bodies and body-less POSTs from the hub itself', async () => {
    const loopback = await send('POST', '/api/servers/memory/restart', { origin: `http://localhost:${fixture.hub.port}` });
    expect(loopback.status).toBe(200);
    await fixture.api.waitForState('memory', 'connected');
    const created = await send('POST', '/api/ml/experiments', { 'content-type': 'application/json; charset=utf-8' }, '{"name":"fine"}');
    expect(created.status).toBe(201);
  });

  it('refuses to add or change a stdio server over REST while AUTH_MODE=none (URL servers stay allowed)', async () => {
    const created = await send('POST', '/api/servers', { 'content-type': 'application/json' }, payload());
    expect(created.status).toBe(403);
    expect(created.json.code).toBe('STDIO_SERVERS_OVER_REST_DISABLED');
    expect(created.json.message).toContain('ALLOW_REST_STDIO_SERVERS=true');
    expect(existsSync(marker())).toBe(false);
    const url = await fixture.api.send('POST', '/api/servers', { name: 'remote', url: 'http://127.0.0.1:9/mcp', disabled: true });
    expect(url.status).toBe(201);
    const patched = await fixture.api.send('PATCH', '/api/servers/remote', { command: '/bin/sh', args: ['-c', `touch ${marker()}`] });
    expect(patched.status).toBe(403);
    expect(existsSync(marker())).toBe(false);
  });
});

describe('servers added over REST cannot read the hub environment', () => {
  let fixture: HubFixture;

  beforeAll(async () => {
    fixture = await HubFixture.start('rest-placeholders', { mcpServers: {} }, { env: { HUB_TEST_SECRET: 's3cr3t-value' } });
  });

  afterAll(() => fixture?.stop());

  it('refuses ${VAR} placeholders in a URL or header of a server added over REST, and stores nothing', async () => {
    const url = await fixture.api.send('POST', '/api/servers', { name: 'leak', url: 'http://127.0.0.1:9/${env:HUB_TEST_SECRET}', disabled: true });
    expect(url.status).toBe(400);
    expect(url.body.details[0].field).toBe('url');
    expect(JSON.stringify(url.body)).not.toContain('s3cr3t-value');
    const header = await fixture.api.send('POST', '/api/servers', { name: 'leak', url: 'http://127.0.0.1:9/mcp', headers: { authorization: 'Bearer ${HUB_TEST_SECRET}' }, disabled: true });
    expect([header.status, header.body.details[0].field]).toEqual([400, 'headers.authorization']);
    expect((await fixture.api.get('/api/servers/leak')).status).toBe(404);
  });
});

describe('ALLOW_REST_STDIO_SERVERS=true lets a trusted loopback user add stdio servers without keys', () => {
  let fixture: HubFixture;

  beforeAll(async () => {
    fixture = await HubFixture.start('rest-stdio', { mcpServers: {} }, { env: { ALLOW_REST_STDIO_SERVERS: 'true' } });
  });

  afterAll(() => fixture?.stop());

  it('creates and starts the server', async () => {
    const created = await fixture.api.send('POST', '/api/servers', { name: 'memory', command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(fixture.dir, 'm.jsonl') } });
    expect(created.status).toBe(201);
    await fixture.api.waitForState('memory', 'connected');
  });
});
