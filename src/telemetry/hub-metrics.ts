import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { AppConfig } from '../platform/config/app-config';
import { EventBus } from '../platform/events/event-bus';
import { describeError } from '../platform/errors/describe-error';
import { GaugeSource, GaugeSources } from '../platform/metrics/gauge-sources';
import { BoundedLabels } from './bounded-labels';
import { PlainCounter, PlainHistogram } from './plain-metrics';
import { StreamState, TelemetryStats } from './telemetry-stats.service';

/** The server and tool label of a call to a tool the catalog does not hold: callers choose those names. */
export const UNKNOWN_LABEL = 'unknown';

interface ToolCallData {
  server?: string;
  tool?: string;
  outcome?: string;
  durationMs?: number;
  known?: boolean;
  to?: string;
}

/** Raw label values whose series are remembered; the series themselves are bounded by METRICS_MAX_SERIES. */
const SERIES_CACHE = 4096;

/** Gauges of the telemetry pipeline, read from the stream and its consumer group at scrape time. */
const STREAM_GAUGES: { name: string; help: string; figure: keyof StreamState }[] = [
  { name: 'mcp_hub_telemetry_stream_length', help: 'Entries in the telemetry stream', figure: 'length' },
  { name: 'mcp_hub_telemetry_lag', help: 'Telemetry entries not yet delivered to any consumer', figure: 'lag' },
  { name: 'mcp_hub_telemetry_pending', help: 'Telemetry entries delivered but not yet stored and acknowledged', figure: 'pending' },
  { name: 'mcp_hub_telemetry_dead_letters', help: 'Entries in the telemetry dead-letter stream', figure: 'deadLetters' },
  { name: 'mcp_hub_telemetry_consumers', help: 'Consumers in the telemetry consumer group', figure: 'consumers' },
];

/**
 * The hub's own Prometheus metrics: Node.js process metrics, counters fed by the event bus, gauges of
 * the telemetry pipeline, and the gauges features add to GaugeSources (read at scrape time). Every
 * label set is bounded (METRICS_MAX_SERIES per metric) and sanitised, and calls to tools the catalog
 * does not know share one `unknown` series, so no caller can grow the registry.
 */
@Injectable()
export class HubMetrics implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('HubMetrics');
  readonly registry = new Registry();
  private readonly events = new PlainCounter('mcp_hub_events_total', 'Events published on the hub event bus, by type', this.registry);
  private readonly toolCalls = new PlainHistogram(
    'mcp_hub_tool_call_duration_seconds',
    'Duration of tool calls through the hub (REST and MCP), by server, tool and outcome',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    this.registry,
  );
  /** The series each event type and each server, tool and outcome of a call feed: labels are bounded and sanitised once per raw value. */
  private readonly typeSeries = new Map<string, { inc: () => void }>();
  private readonly callSeries = new Map<string, { observe: (seconds: number) => void }>();
  private readonly serverStates = new Counter({ name: 'mcp_hub_server_state_changes_total', help: 'Upstream server state changes, by server and new state', labelNames: ['server', 'state'], registers: [this.registry] });
  private readonly eventLabels: BoundedLabels<'type'>;
  private readonly toolCallLabels: BoundedLabels<'server' | 'tool' | 'outcome'>;
  private readonly serverStateLabels: BoundedLabels<'server' | 'state'>;

  constructor(
    private readonly bus: EventBus,
    config: AppConfig,
    private readonly gaugeSources: GaugeSources,
    private readonly stats: TelemetryStats,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mcp_hub_' });
    this.addStreamGauges();
    const max = config.metrics.maxSeries;
    const full = (metric: string) => () => this.logger.warn(`${metric} holds METRICS_MAX_SERIES (${max}) label sets; new ones are counted under "other"`);
    this.eventLabels = new BoundedLabels(['type'], max, full('mcp_hub_events_total'));
    this.toolCallLabels = new BoundedLabels(['server', 'tool', 'outcome'], max, full('mcp_hub_tool_call_duration_seconds'));
    this.serverStateLabels = new BoundedLabels(['server', 'state'], max, full('mcp_hub_server_state_changes_total'));
  }

  /** Features add their gauges while modules initialise; by bootstrap every one is known. */
  onApplicationBootstrap(): void {
    for (const source of this.gaugeSources.list()) this.addGauge(source);
  }

  private addGauge(source: GaugeSource): void {
    const logger = this.logger;
    new Gauge({
      name: source.name,
      help: source.help,
      labelNames: source.labelNames ?? [],
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const sample of await source.read()) this.set(sample.labels ?? {}, sample.value);
        } catch (error) {
          // one source failing leaves its gauge without values (NaN when it has no labels) for this scrape; the rest still answer
          logger.warn(`Reading gauge ${source.name} failed: ${describeError(error)}`);
          if (!source.labelNames?.length) this.set(NaN);
        }
      },
    });
  }

  /** One read of the stream per scrape, shared by its gauges. */
  private addStreamGauges(): void {
    let scrape: Promise<StreamState | undefined> | undefined;
    const state = () => {
      scrape ??= this.stats
        .stream()
        .catch((error: unknown) => {
          this.logger.warn(`Reading the telemetry stream for /metrics failed: ${describeError(error)}`);
          return undefined;
        })
        .finally(() => setImmediate(() => (scrape = undefined)));
      return scrape;
    };
    for (const { name, help, figure } of STREAM_GAUGES) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.reset();
          // unknown (Redis unreachable, or a lag Redis cannot tell) is NaN, not a reassuring 0
          const value = (await state())?.[figure];
          this.set(typeof value === 'number' ? value : NaN);
        },
      });
    }
  }

  onModuleInit(): void {
    this.bus.subscribe((event) => {
      this.eventSeries(event.type).inc();
      const data = event.data as ToolCallData;
      if (event.type === 'mcp.tool.call' && typeof data.durationMs === 'number') {
        const known = data.known === true;
        this.toolCallSeries(known ? String(data.server) : UNKNOWN_LABEL, known ? String(data.tool) : UNKNOWN_LABEL, String(data.outcome)).observe(data.durationMs / 1000);
      } else if (event.type === 'mcp.server.state' && data.server && data.to) {
        this.serverStates.inc(this.serverStateLabels.resolve({ server: data.server, state: data.to }));
      }
    });
  }

  private eventSeries(type: string): { inc: () => void } {
    return remembered(this.typeSeries, type, () => this.events.series(this.eventLabels.resolve({ type })));
  }

  private toolCallSeries(server: string, tool: string, outcome: string): { observe: (seconds: number) => void } {
    return remembered(this.callSeries, `${server}\0${tool}\0${outcome}`, () => this.toolCalls.series(this.toolCallLabels.resolve({ server, tool, outcome })));
  }
}

/** The value under `key`, made on first use; past SERIES_CACHE keys (a debug publisher inventing event types) the map starts over. */
function remembered<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= SERIES_CACHE) cache.clear();
    cache.set(key, (value = make()));
  }
  return value;
}
