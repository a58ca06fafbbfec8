import { Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EventBus } from '../platform/events/event-bus';

/** The hub's own Prometheus metrics: Node.js process metrics plus counters fed by the event bus. */
@Injectable()
export class HubMetrics implements OnModuleInit {
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

  constructor(private readonly bus: EventBus) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mcp_hub_' });
  }

  onModuleInit(): void {
    this.bus.subscribe((event) => {
      this.events.inc({ type: event.type });
      const data = event.data as { server?: string; tool?: string; outcome?: string; durationMs?: number; to?: string };
      if (event.type === 'mcp.tool.call' && typeof data.durationMs === 'number') {
        this.toolCalls.observe({ server: data.server ?? '', tool: data.tool ?? '', outcome: data.outcome ?? '' }, data.durationMs / 1000);
      } else if (event.type === 'mcp.server.state' && data.server && data.to) {
        this.serverStates.inc({ server: data.server, state: data.to });
      }
    });
  }
}
