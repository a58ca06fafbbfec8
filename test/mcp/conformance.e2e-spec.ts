import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConformance } from '../support/conformance';
import { HubApi } from '../support/hub-api';
import { HubProcess } from '../support/hub-process';
import { EVERYTHING_BIN, EverythingHttpServer } from '../support/mcp-servers';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

describe('official MCP conformance suite (server mode): /mcp/servers/everything against server-everything itself', () => {
  const databaseUrl = freshDatabaseUrl();
  let dir: string;
  let direct: EverythingHttpServer;
  let hub: HubProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-conformance-'));
    direct = await EverythingHttpServer.create();
    await direct.start();
    await writeFile(join(dir, 'servers.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }));
    hub = await HubProcess.start({ DATABASE_URL: databaseUrl, MCP_SERVERS_CONFIG: join(dir, 'servers.json'), REDIS_KEY_PREFIX: `test-conformance-${process.pid}:` });
    await new HubApi(hub).waitForServer('everything', (s) => s.state === 'connected' && s.catalog.tools > 0);
  });

  afterAll(async () => {
    await hub?.stop();
    await direct?.stop();
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('passes every scenario server-everything passes directly, plus dns-rebinding-protection', async () => {
    const [baseline, proxied] = await Promise.all([runConformance(direct.url), runConformance(hub.url('/mcp/servers/everything'))]);
    const passedDirectly = [...baseline].filter(([, passed]) => passed).map(([name]) => name);
    expect(passedDirectly).toEqual(expect.arrayContaining(['server-initialize', 'ping', 'tools-list', 'tools-call-simple-text', 'tools-call-error', 'resources-list', 'prompts-list']));
    const lostThroughHub = passedDirectly.filter((name) => !proxied.get(name));
    expect(lostThroughHub).toEqual([]);
    expect(proxied.get('dns-rebinding-protection')).toBe(true);
    expect([...proxied.keys()].sort()).toEqual([...baseline.keys()].sort());
  });
});
