import { CountingProxy } from '../support/counting-proxy';
import { HubFixture } from '../support/hub-fixture';
import { EVERYTHING_BIN, EverythingHttpServer } from '../support/mcp-servers';
import { queryDatabase } from '../support/test-database';

const MAX_MESSAGE_BYTES = 1024 * 1024;
const CRASH = { command: process.execPath, args: ['-e', 'process.exit(3)'], retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100, multiplier: 2 } };

describe('servers: create races, field limits, unavailable servers, catalog before connected, oversized results', () => {
  let fixture: HubFixture;
  let http: EverythingHttpServer;
  let proxy: CountingProxy;

  beforeAll(async () => {
    http = await EverythingHttpServer.create();
    await http.start();
    proxy = new CountingProxy(new URL(http.url));
    await proxy.start();
    fixture = await HubFixture.start(
      'hardening',
      { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] }, crashes: CRASH } },
      { env: { MCP_UPSTREAM_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) }, ready: ['everything'] },
    );
  });

  afterAll(async () => {
    await fixture?.stop();
    await proxy?.stop();
    await http?.stop();
  });

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
});
