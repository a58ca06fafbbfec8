import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { ShutdownCoordinator } from '../platform/shutdown/shutdown-coordinator';
import { TelemetryStore } from './telemetry-store';

const EVERY_MS = 60 * 60 * 1000;

/** At boot and every hour: daily partitions exist a few days ahead, and those past TELEMETRY_RETENTION_DAYS are dropped. */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger('TelemetryPartitions');
  private timer?: NodeJS.Timeout;
  private firstRun?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly store: TelemetryStore,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({ phase: 'producers', name: 'telemetry-partition-schedule', close: () => clearInterval(this.timer) });
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
    this.timer = setInterval(() => void this.run().catch((e: Error) => this.logger.warn(`Partition maintenance failed: ${e.message}`)), EVERY_MS);
    this.timer.unref();
  }

  async run(now = new Date()): Promise<void> {
    const created = await this.store.ensurePartitions(now);
    const dropped = await this.store.dropPartitionsBefore(now, this.config.telemetry.retentionDays);
    if (created.length || dropped.length) this.logger.log(`Partitions created: [${created}] dropped after ${this.config.telemetry.retentionDays} days: [${dropped}]`);
  }
}
