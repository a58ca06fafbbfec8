import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../../platform/config/app-config';
import { InstanceRole } from '../../platform/instance/instance-role';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { MONITOR_QUEUE, MonitorJobData } from './monitor-queue';
import { MonitorRunner } from './monitor-runner';
import { MonitorsService } from './monitors.service';

/** The BullMQ worker of queue `drift-monitors`; it runs where batch prediction jobs run (BATCH_WORKER_ENABLED, `npm run worker`). */
@Injectable()
export class MonitorWorker implements OnModuleInit {
  private readonly logger = new Logger('DriftMonitor');
  private worker?: Worker<MonitorJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly role: InstanceRole,
    private readonly redis: RedisConnections,
    private readonly coordinator: ShutdownCoordinator,
    private readonly monitors: MonitorsService,
    private readonly runner: MonitorRunner,
  ) {}

  onModuleInit(): void {
    if (this.role.role !== 'worker' && !this.config.batch.workerEnabled) return;
    this.worker = new Worker<MonitorJobData>(MONITOR_QUEUE, (job) => this.process(job), { ...this.redis.bullMqOptions(), concurrency: 1 });
    this.worker.on('error', (error) => this.logger.error(`Drift monitor worker: ${error.message}`));
    this.coordinator.register({ phase: 'workers', name: 'drift-monitor-worker', close: async () => this.worker?.close() });
  }

  private async process(job: Job<MonitorJobData>): Promise<void> {
    const monitor = await this.monitors.byId(job.data.monitorId);
    if (!monitor) return;
    const run = await this.runner.run(monitor);
    this.logger.log(`${monitor.name}: ${run.status}${run.drifted.length ? ` (${run.drifted.join(', ')})` : ''}, ${run.currentRows} rows`);
  }
}
