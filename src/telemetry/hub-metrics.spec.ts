import type { AppConfig } from '../platform/config/app-config';
import { EventBus } from '../platform/events/event-bus';
import { GaugeSources } from '../platform/metrics/gauge-sources';
import { HubMetrics } from './hub-metrics';
import type { StreamState, TelemetryStats } from './telemetry-stats.service';

const SERIES = /^mcp_hub_tool_call_duration_seconds_count\{(.*)\} \d+$/gm;

const STREAM: StreamState = { length: 120, pending: 3, lag: 7, deadLetters: 2, consumers: 1 };

async function metricsWith(maxSeries: number, gauges = new GaugeSources(), stream: () => Promise<StreamState> = async () => STREAM) {
  const bus = new EventBus();
  const metrics = new HubMetrics(bus, { metrics: { maxSeries } } as AppConfig, gauges, { stream } as TelemetryStats);
  metrics.onModuleInit();
  metrics.onApplicationBootstrap();
  const text = async () => {
    await bus.delivered();
    return metrics.registry.metrics();
  };
  const series = async () => [...(await text()).matchAll(SERIES)].map((m) => m[1]);
  return { bus, text, series };
}

describe('HubMetrics: label values callers choose', () => {
  it('labels calls to tools the catalog holds by server and tool, and every other call as unknown', async () => {
    const { bus, series } = await metricsWith(100);
    bus.publish('mcp.tool.call', { server: 'everything', tool: 'echo', known: true, outcome: 'ok', durationMs: 2 });
    for (let i = 0; i < 500; i++) bus.publish('mcp.tool.call', { server: `guess-${i}`, tool: `t${i}\n<script>`, known: false, outcome: 'error', durationMs: 0.1 });
    bus.publish('mcp.tool.call', { server: 'no-flag', tool: 'x', outcome: 'error', durationMs: 0.1 });
    expect((await series()).sort()).toEqual(['server="everything",tool="echo",outcome="ok"', 'server="unknown",tool="unknown",outcome="error"']);
  });

  it('holds at most METRICS_MAX_SERIES label sets per metric plus one other, whatever the catalog holds', async () => {
    const { bus, series, text } = await metricsWith(10);
    for (let i = 0; i < 300; i++) bus.publish('mcp.tool.call', { server: 'big', tool: `tool-${i}`, known: true, outcome: 'ok', durationMs: 1 });
    const all = await series();
    expect(all).toHaveLength(11);
    expect(all).toContain('server="other",tool="other",outcome="other"');
    expect(await text()).toMatch(/^mcp_hub_tool_call_duration_seconds_count\{server="other",tool="other",outcome="other"\} 290$/m);
  });

  it('keeps control characters and very long names out of every label', async () => {
    const { bus, text } = await metricsWith(100);
    bus.publish('mcp.server.state', { server: `evil\nmcp_hub_fake 1\r\n${'x'.repeat(5000)}`, to: 'failed\u202e' });
    bus.publish('debug.a\nb', {});
    const body = await text();
    const line = body.split('\n').find((l) => l.startsWith('mcp_hub_server_state_changes_total{'))!;
    expect(line).toMatch(/^mcp_hub_server_state_changes_total\{server="evilmcp_hub_fake 1x+…",state="failed"\} 1$/);
    expect(line.length).toBeLessThan(300);
    expect(body).not.toMatch(/^mcp_hub_fake/m);
    expect(body).toMatch(/^mcp_hub_events_total\{type="debug\.ab"\} 1$/m);
  });

  it('bounds the event-type and server-state counters too', async () => {
    const { bus, text } = await metricsWith(10);
    for (let i = 0; i < 100; i++) {
      bus.publish(`debug.burst-${i}`, {});
      bus.publish('mcp.server.state', { server: `s${i}`, to: 'connected' });
    }
    const body = await text();
    expect(body.match(/^mcp_hub_events_total\{/gm)).toHaveLength(11);
    expect(body.match(/^mcp_hub_server_state_changes_total\{/gm)).toHaveLength(11);
  });
});

describe('HubMetrics: gauges read at scrape time', () => {
  it('shows the telemetry stream: length, lag, pending, dead letters and consumers', async () => {
    const { text } = await metricsWith(100);
    const body = await text();
    for (const [name, value] of [['length', 120], ['lag', 7], ['pending', 3], ['dead_letters', 2], ['consumers', 1]] as const) {
      const metric = name === 'length' ? 'mcp_hub_telemetry_stream_length' : `mcp_hub_telemetry_${name}`;
      expect(body).toMatch(new RegExp(`^${metric} ${value}$`, 'm'));
    }
  });

  it('shows the gauges features add, current at each scrape, and shows NaN for one whose read fails without failing the rest', async () => {
    const gauges = new GaugeSources();
    let connected = 2;
    gauges.add({ name: 'mcp_hub_test_servers', help: 'Servers by state', labelNames: ['state'], read: () => [{ labels: { state: 'connected' }, value: connected }, { labels: { state: 'failed' }, value: 1 }] });
    gauges.add({ name: 'mcp_hub_test_broken', help: 'Always fails', read: () => Promise.reject(new Error('queue unreachable')) });
    const { text } = await metricsWith(100, gauges, () => Promise.reject(new Error('redis down')));
    let body = await text();
    expect(body).toMatch(/^mcp_hub_test_servers\{state="connected"\} 2$/m);
    expect(body).toMatch(/^mcp_hub_test_servers\{state="failed"\} 1$/m);
    expect(body).toMatch(/^mcp_hub_test_broken nan$/im);
    expect(body).toMatch(/^mcp_hub_telemetry_lag nan$/im);
    connected = 5;
    body = await text();
    expect(body).toMatch(/^mcp_hub_test_servers\{state="connected"\} 5$/m);
    expect(() => gauges.add({ name: 'mcp_hub_test_servers', help: 'again', read: () => [] })).toThrow('added twice');
  });
});
