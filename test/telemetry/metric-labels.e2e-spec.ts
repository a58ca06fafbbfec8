import { HubFixture } from '../support/hub-fixture';
import { sleep } from '../support/hub-process';
import { EVERYTHING_BIN } from '../support/mcp-servers';

const HISTOGRAM_COUNT = /^mcp_hub_tool_call_duration_seconds_count\{(.*)\} (\d+)$/gm;

describe('/metrics under tool calls to names a caller makes up', () => {
  let fixture: HubFixture;

  beforeAll(async () => {
    fixture = await HubFixture.start('metric-labels', { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }, { ready: ['everything'] });
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  const scrape = async () => (await fetch(fixture.hub.url('/metrics'))).text();
  const series = (text: string) => new Map([...text.matchAll(HISTOGRAM_COUNT)].map((m) => [m[1], Number(m[2])]));
  // counted by prefix, not by line: a label value holding a carriage return would split a line in two
  const seriesCount = (text: string) => text.split('mcp_hub_tool_call_duration_seconds_count{').length - 1;

  it('keeps one unknown series for 2,000 calls to random unknown servers and tools, and real labels for known tools', async () => {
    expect((await fixture.api.callTool('everything', 'echo', { message: 'hi' })).status).toBe(200);
    const before = await scrape();

    const total = 2000;
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        const n = sent++;
        const server = encodeURIComponent(`srv-${n}-${Math.random().toString(36).slice(2)}\n<img src=x>`);
        const tool = encodeURIComponent(`tool-${n}\r\n"}\nmcp_hub_injected 1`);
        const response = await fixture.api.send('POST', `/api/tools/${server}/${tool}/call`, { arguments: {} });
        expect(response.status).toBe(404);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    let after = await scrape();
    for (let i = 0; i < 50 && (series(after).get('server="unknown",tool="unknown",outcome="error"') ?? 0) < total; i++) {
      await sleep(100);
      after = await scrape();
    }
    const labels = series(after);
    expect(seriesCount(after)).toBe(2);
    expect([...labels.keys()].sort()).toEqual(['server="everything",tool="echo",outcome="ok"', 'server="unknown",tool="unknown",outcome="error"']);
    expect(labels.get('server="unknown",tool="unknown",outcome="error"')).toBe(total);
    expect(labels.get('server="everything",tool="echo",outcome="ok"')).toBe(1);
    expect(after).not.toContain('<img');
    expect(after).not.toMatch(/^mcp_hub_injected/m);
    // one new histogram (15 buckets, +Inf, sum, count) and a few counters, not 2,000 of them
    expect(after.length - before.length).toBeLessThan(5000);
  });
});
