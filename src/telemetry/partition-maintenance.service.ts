import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { ScheduledDuties } from '../platform/cluster/scheduled-duties';
import { TelemetryStore } from './telemetry-store';

/**
 * At every boot, and every TELEMETRY_PARTITION_MAINTENANCE_MS once across all processes (a scheduled
 * duty): daily partitions exist a few days ahead, and those past TELEMETRY_RETENTION_DAYS are dropped.
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger('TelemetryPartitions');
  private firstRun?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly store: TelemetryStore,
    duties: ScheduledDuties,
  ) {
    duties.register({ name: 'telemetry-partitions', everyMs: config.telemetry.partitionMaintenanceMs, run: () => this.run() });
  }

  /**
   * Resolves once the boot-time run has created today's partitions. The consumer awaits it before its
   * first write: a COPY routed to the default partition while a day's partition is being attached fails
   * with "violates partition constraint".
   */
  ready(): Promise<void> {
    this.firstRun ??= this.run();
    return this.firstRun;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ready();
  }

  async run(now = new Date()): Promise<void> {
    const created = await this.store.ensurePartitions(now);
    const dropped = await this.store.dropPartitionsBefore(now, this.config.telemetry.retentionDays);
    if (created.length || dropped.length) this.logger.log(`Partitions created: [${created}] dropped after ${this.config.telemetry.retentionDays} days: [${dropped}]`);
  }
}
