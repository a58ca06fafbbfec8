import { HubFixture } from '../support/hub-fixture';
import { rawRequest } from '../support/raw-http';

/** Bodies a client gets wrong are its error (4xx naming the problem), never the hub's 500. */
describe('request bodies: encoding, charset, size and depth are client errors', () => {
  let fixture: HubFixture;
  const post = (headers: Record<string, string>, body: string | Buffer) => rawRequest(fixture.hub.port, 'POST', '/api/ml/experiments', { headers: { 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    fixture = await HubFixture.start('request-bodies', { mcpServers: {} });
  });

  afterAll(() => fixture?.stop());

  it('415 for an unknown Content-Encoding or charset', async () => {
    const encoding = await post({ 'content-encoding': 'bogus' }, '{"name":"x"}');
    expect([encoding.status, encoding.json.code]).toEqual([415, 'UNSUPPORTED_CONTENT_ENCODING']);
    const charset = await post({ 'content-type': 'application/json; charset=klingon' }, '{"name":"x"}');
    expect([charset.status, charset.json.code]).toEqual([415, 'UNSUPPORTED_CHARSET']);
  });

  it('413 for a body over 10 MB', async () => {
    const response = await post({}, `{"name":"${'a'.repeat(11 * 1024 * 1024)}"}`);
    expect([response.status, response.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('400 for JSON nested deeper than 64 levels, before validation walks it', async () => {
    for (const body of [`{"name":"x","tags":${'['.repeat(50000)}${']'.repeat(50000)}}`, `{"name":"x","tags":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`]) {
      const response = await post({}, body);
      expect([response.status, response.json.code]).toEqual([400, 'INVALID_BODY']);
      expect(response.json.message).toContain('deeper than 64');
    }
  });

  it('400 for JSON that does not parse, with no stack trace in the answer', async () => {
    const response = await post({}, '{"name":');
    expect([response.status, response.json.code]).toEqual([400, 'BAD_REQUEST']);
    expect(response.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('400 naming the field for tags that are null, not strings, or hold a NUL', async () => {
    for (const tags of [null, { team: 1 }, { team: 'a\u0000b' }]) {
      const response = await rawRequest(fixture.hub.port, 'POST', '/api/ml/models', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'tagged', tags }) });
      expect([response.status, String(response.json.details?.[0]?.field).split('.')[0]]).toEqual([400, 'tags']);
    }
  });

  it('400 naming the field for a NUL anywhere a service would store it, on every route', async () => {
    const response = await rawRequest(fixture.hub.port, 'GET', '/api/telemetry/events?type=a%00', {});
    expect([response.status, response.json.details?.[0]?.field]).toEqual([400, 'type']);
  });

  it('/mcp answers JSON nested too deep with a JSON-RPC error, and an unknown Content-Encoding as what it is', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"x","version":"1"},"capabilities":{"experimental":${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}}}}`;
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const response = await rawRequest(fixture.hub.port, 'POST', '/mcp', { headers, body: deep });
    expect([response.status, response.json.error.code]).toEqual([400, -32600]);
    expect(response.json.error.message).toContain('deeper than 64');
    const huge = await rawRequest(fixture.hub.port, 'POST', '/mcp', { headers, body: `{"pad":"${'x'.repeat(11 * 1024 * 1024)}"}` });
    expect([huge.status, huge.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('the hub is still healthy', async () => {
    expect((await fixture.api.get('/api/health')).status).toBe(200);
  });
});
