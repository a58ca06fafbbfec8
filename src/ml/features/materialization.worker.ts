import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '../../platform/config/app-config';
import { InstanceRole } from '../../platform/instance/instance-role';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { FeatureViewsService } from './feature-views.service';
import { MATERIALIZATION_QUEUE, MaterializationJobData } from './materialization-queue';
import { Materializer } from './materializer';
import { MaterializationRun } from './feature-materialization.entity';

/**
 * The BullMQ worker of queue `feature-materialization`; it runs where batch prediction jobs run
 * (BATCH_WORKER_ENABLED, and every `npm run worker`). A run killed halfway is simply run again:
 * writes keep the newest value and the watermark moves only when a run completes.
 */
@Injectable()
export class MaterializationWorker implements OnModuleInit {
  private readonly logger = new Logger('FeatureMaterialization');
  private worker?: Worker<MaterializationJobData, MaterializationRun>;

  constructor(
    private readonly config: AppConfig,
    private readonly role: InstanceRole,
    private readonly redis: RedisConnections,
    private readonly coordinator: ShutdownCoordinator,
    private readonly views: FeatureViewsService,
    private readonly materializer: Materializer,
  ) {}

  onModuleInit(): void {
    if (this.role.role !== 'worker' && !this.config.batch.workerEnabled) return;
    this.worker = new Worker<MaterializationJobData, MaterializationRun>(MATERIALIZATION_QUEUE, (job) => this.process(job), { ...this.redis.bullMqOptions(), concurrency: 1 });
    this.worker.on('error', (error) => this.logger.error(`Materialization worker: ${error.message}`));
    this.coordinator.register({ phase: 'workers', name: 'feature-materialization-worker', close: async () => this.worker?.close() });
  }

  private async process(job: Job<MaterializationJobData, MaterializationRun>): Promise<MaterializationRun> {
    const { view: name, version, start, end } = job.data;
    const view = await this.views.get(name, version);
    // a schedule outlives the definition it was placed for: a later version may no longer be online
    if (!view.definition.online) throw new UnrecoverableError(`${name} version ${view.version} is not an online view; apply it with "online": true or remove the schedule`);
    const run = await this.materializer.run(view, job.id!, { start, end }, (entities) => void job.updateProgress({ entities }));
    this.logger.log(`${name} v${view.version}: ${run.sourceRows} source rows in (${run.from ?? '-∞'}, ${run.to}] → ${run.entities} entities written, ${run.expired} past the TTL`);
    return run;
  }
}
