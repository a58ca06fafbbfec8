import { HubFixture } from '../support/hub-fixture';
import { sleep } from '../support/hub-process';
import { EVERYTHING_BIN } from '../support/mcp-servers';
import { SseRecorder } from '../support/sse';

describe('anomaly detection on tool calls', () => {
  let fixture: HubFixture;
  let events: SseRecorder;

  beforeAll(async () => {
    fixture = await HubFixture.start('anomalies', { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }, { ready: ['everything'] });
    events = new SseRecorder();
    await events.open(fixture.hub.url('/api/events'));
  });

  afterAll(async () => {
    await events?.close();
    await fixture?.stop();
  });

  it('flags a call far slower than the baseline of its server: an event on the stream, stored and listed', async () => {
    for (let i = 0; i < 60; i++) expect((await fixture.api.callTool('everything', 'echo', { message: `warm ${i}` })).status).toBe(200);
    expect((await fixture.api.callTool('everything', 'trigger-long-running-operation', { duration: 1, steps: 1 })).status).toBe(200);

    // a warm-up call slowed by a busy machine may be flagged too (a baseline of about a millisecond varies little): this is the slow call's
    const slow = (data: { value?: number } | undefined) => (data?.value ?? 0) > 900;
    const live = await events.waitFor((m) => m.event === 'telemetry.anomaly' && m.data.subject === 'everything' && slow(m.data.data));
    expect(live.data.data).toMatchObject({ key: 'everything', metric: 'latency', server: 'everything' });
    expect(live.data.data.zScore).toBeGreaterThan(4);

    // graded by how far past the baseline: a 1 s call against a baseline of about a millisecond is far past errorZ
    expect(live.data.data.severity).toBe('error');

    let listed: { events: { subject: string; severity: string; data: { metric: string; severity: string; value: number } }[] } = { events: [] };
    const storedSlow = () => listed.events.find((e) => e.subject === 'everything' && slow(e.data));
    for (let i = 0; i < 100 && !storedSlow(); i++) {
      listed = (await fixture.api.get('/api/telemetry/anomalies')).body;
      await sleep(100);
    }
    const stored = storedSlow();
    expect(stored?.data.metric).toBe('latency');
    expect(stored?.severity).toBe(stored?.data.severity);
    expect(listed.events.every((e) => (e as unknown as { type: string }).type === 'telemetry.anomaly')).toBe(true);
  });
});
