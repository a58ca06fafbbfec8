import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppConfig } from '../platform/config/app-config';
import { EventBus } from '../platform/events/event-bus';
import { BoundedLabels } from './bounded-labels';

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

/**
 * The hub's own Prometheus metrics: Node.js process metrics plus counters fed by the event bus. Every
 * label set is bounded (METRICS_MAX_SERIES per metric) and sanitised, and calls to tools the catalog
 * does not know share one `unknown` series, so no caller can grow the registry.
 */
@Injectable()
export class HubMetrics implements OnModuleInit {
  private readonly logger = new Logger('HubMetrics');
  readonly registry = new Registry();
  private readonly events = new Counter({ name: 'mcp_hub_events_total', help: 'Events published on the hub event bus, by type', labelNames: ['type'], registers: [this.registry] });
  private readonly toolCalls = new Histogram({
    name: 'mcp_hub_tool_call_duration_seconds',
    help: 'Duration of tool calls through the hub (REST and MCP), by server, tool and outcome',
    labelNames: ['server', 'tool', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly serverStates = new Counter({ name: 'mcp_hub_server_state_changes_total', help: 'Upstream server state changes, by server and new state', labelNames: ['server', 'state'], registers: [this.registry] });
  private readonly eventLabels: BoundedLabels<'type'>;
  private readonly toolCallLabels: BoundedLabels<'server' | 'tool' | 'outcome'>;
  private readonly serverStateLabels: BoundedLabels<'server' | 'state'>;

  constructor(
    private readonly bus: EventBus,
    config: AppConfig,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mcp_hub_' });
    const max = config.metrics.maxSeries;
    const full = (metric: string) => () => this.logger.warn(`${metric} holds METRICS_MAX_SERIES (${max}) label sets; new ones are counted under "other"`);
    this.eventLabels = new BoundedLabels(['type'], max, full('mcp_hub_events_total'));
    this.toolCallLabels = new BoundedLabels(['server', 'tool', 'outcome'], max, full('mcp_hub_tool_call_duration_seconds'));
    this.serverStateLabels = new BoundedLabels(['server', 'state'], max, full('mcp_hub_server_state_changes_total'));
  }

  onModuleInit(): void {
    this.bus.subscribe((event) => {
      this.events.inc(this.eventLabels.resolve({ type: event.type }));
      const data = event.data as ToolCallData;
      if (event.type === 'mcp.tool.call' && typeof data.durationMs === 'number') {
        const known = data.known === true;
        const labels = { server: known ? data.server : UNKNOWN_LABEL, tool: known ? data.tool : UNKNOWN_LABEL, outcome: data.outcome };
        this.toolCalls.observe(this.toolCallLabels.resolve(labels), data.durationMs / 1000);
      } else if (event.type === 'mcp.server.state' && data.server && data.to) {
        this.serverStates.inc(this.serverStateLabels.resolve({ server: data.server, state: data.to }));
      }
    });
  }
}
