import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../platform/events/event-bus';
import { AnomalyDetector } from './anomaly-detector';

/**
 * Watches tool calls on the bus (per tool and per server: latency and error rate) and publishes a
 * `telemetry.anomaly` event for each anomaly; like every bus event it is stored and streamed.
 */
@Injectable()
export class AnomalyService implements OnModuleInit {
  private readonly detector = new AnomalyDetector();

  constructor(private readonly bus: EventBus) {}

  onModuleInit(): void {
    this.bus.subscribe((event) => {
      const data = event.data as { server?: string; tool?: string; durationMs?: number; outcome?: string; known?: boolean };
      // a baseline per name a caller made up would grow without bound
      if (!data.server || typeof data.durationMs !== 'number' || data.known !== true) return;
      const failed = data.outcome !== 'ok' && data.outcome !== 'invalid_arguments';
      for (const key of [`${data.server}/${data.tool}`, data.server]) {
        for (const anomaly of this.detector.observe(key, data.durationMs, failed)) {
          this.bus.publish('telemetry.anomaly', { ...anomaly, server: data.server, ...(key === data.server ? {} : { tool: data.tool }) }, key);
        }
      }
    }, ['mcp.tool.call']);
  }
}
