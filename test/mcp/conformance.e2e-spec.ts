import { runConformance } from '../support/conformance';
import { HubFixture } from '../support/hub-fixture';
import { EVERYTHING_BIN, EverythingHttpServer } from '../support/mcp-servers';

describe('official MCP conformance suite (server mode): /mcp/servers/everything against server-everything itself', () => {
  let direct: EverythingHttpServer;
  let fixture: HubFixture;

  beforeAll(async () => {
    direct = await EverythingHttpServer.create();
    await direct.start();
    fixture = await HubFixture.start('conformance', { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }, { ready: ['everything'] });
  });

  afterAll(async () => {
    await fixture?.stop();
    await direct?.stop();
  });

  it('passes every scenario server-everything passes directly, plus dns-rebinding-protection', async () => {
    const [baseline, proxied] = await Promise.all([runConformance(direct.url), runConformance(fixture.hub.url('/mcp/servers/everything'))]);
    const passedDirectly = [...baseline].filter(([, passed]) => passed).map(([name]) => name);
    expect(passedDirectly).toEqual(expect.arrayContaining(['server-initialize', 'ping', 'tools-list', 'tools-call-simple-text', 'tools-call-error', 'resources-list', 'prompts-list']));
    const lostThroughHub = passedDirectly.filter((name) => !proxied.get(name));
    expect(lostThroughHub).toEqual([]);
    expect(proxied.get('dns-rebinding-protection')).toBe(true);
    expect([...proxied.keys()].sort()).toEqual([...baseline.keys()].sort());
  });
});
