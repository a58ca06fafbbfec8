import { HubFixture } from '../support/hub-fixture';

describe('MCP_REQUEST_TIMEOUT_MS below a server timeout', () => {
  let fixture: HubFixture;

  afterAll(() => fixture?.stop());

  it('is named at boot, with the servers it cuts short and what to raise', async () => {
    fixture = await HubFixture.start(
      'request-deadline',
      { mcpServers: { patient: { command: 'mcp-hub-none', disabled: true, timeouts: { requestMs: 600_000 } }, quick: { command: 'mcp-hub-none', disabled: true } } },
      { env: { MCP_REQUEST_TIMEOUT_MS: '60000' } },
    );
    const warning = await fixture.hub.waitForLog((l) => l.msg.includes('MCP_REQUEST_TIMEOUT_MS (60000 ms)'));
    expect(warning.msg).toContain('patient (timeouts.requestMs 600000)');
    expect(warning.msg).not.toContain('quick');
  });
});
