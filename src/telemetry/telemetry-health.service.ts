import { Injectable } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { HealthContributions } from '../platform/stores/dependency-probe';
import { TelemetryConsumer } from './telemetry-consumer.service';
import { TelemetryStats } from './telemetry-stats.service';
import { telemetryKeys } from './telemetry-stream';

/**
 * The `telemetry` entry of /api/health: down when events wait past half of TELEMETRY_STREAM_MAXLEN,
 * when the consumer of this process cannot read the stream or store what it read, or, in a process
 * without a consumer, when the stream holds events but no consumer group (Redis lost it).
 */
@Injectable()
export class TelemetryHealth {
  constructor(config: AppConfig, stats: TelemetryStats, consumer: TelemetryConsumer, health: HealthContributions) {
    const backlogLimit = Math.floor(config.telemetry.streamMaxLen / 2);
    const group = telemetryKeys(config).group;
    health.add({
      name: 'telemetry',
      check: async () => {
        const { state, groupExists } = await stats.streamAndGroup();
        const local = consumer.enabled ? consumer.health.report() : undefined;
        const backlog = Math.max(state.lag ?? 0, state.pending);
        const reason =
          local && !local.healthy
            ? local.reason
            : // a consumer of this process creates a missing group itself (its read failure shows above)
              !local && !groupExists && state.length > 0
              ? `the stream holds ${state.length} events but no consumer group ${group}; no consumer stores them (start one: npm run worker)`
              : backlog >= backlogLimit
                ? `${backlog} events wait to be stored, past half of TELEMETRY_STREAM_MAXLEN; start more consumers (npm run worker)`
                : undefined;
        return {
          healthy: reason === undefined,
          ...(reason ? { reason } : {}),
          detail: {
            lag: state.lag,
            pending: state.pending,
            deadLetters: state.deadLetters,
            consumers: state.consumers,
            streamLength: state.length,
            ...(local ? { lastReadAgeMs: local.lastReadAgeMs, ...(local.lastError ? { lastError: local.lastError } : {}) } : {}),
          },
        };
      },
    });
  }
}
