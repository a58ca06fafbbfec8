import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Worker } from 'bullmq';
import { AppConfig } from '../../platform/config/app-config';
import { InstanceRole } from '../../platform/instance/instance-role';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AdvanceJobData, HPO_QUEUE, StudyTriggers } from './hpo-queue';
import { HpoStudy } from './study.entity';
import { StudyAdvancer } from './study-advancer';

/**
 * The BullMQ worker of queue `hpo`: advances studies. It runs where training jobs run (every
 * `npm run worker`, and the hub with TRAINING_WORKER_ENABLED), as that is where Optuna is needed anyway.
 */
@Injectable()
export class HpoWorker implements OnModuleInit {
  private readonly logger = new Logger('HpoWorker');
  private worker?: Worker<AdvanceJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly role: InstanceRole,
    private readonly redis: RedisConnections,
    private readonly coordinator: ShutdownCoordinator,
    private readonly advancer: StudyAdvancer,
    private readonly triggers: StudyTriggers,
    @InjectRepository(HpoStudy) private readonly studies: Repository<HpoStudy>,
  ) {}

  onModuleInit(): void {
    if (this.role.role !== 'worker' && !this.config.training.workerEnabled) return;
    // two studies advance side by side; one study is advanced by one holder at a time (its advisory lock)
    this.worker = new Worker<AdvanceJobData>(HPO_QUEUE, (job) => this.advancer.advance(job.data.studyId, job.data.sweep === true), { ...this.redis.bullMqOptions(), concurrency: 2 });
    this.worker.on('error', (error) => this.logger.error(`HPO worker: ${error.message}`));
    this.worker.on('failed', (job, error) => this.logger.warn(`Advancing study ${job?.data.studyId}: ${error.message}`));
    this.coordinator.register({ phase: 'workers', name: 'hpo-worker', close: async () => this.worker?.close() });
    void this.reschedule().catch((error: Error) => this.logger.warn(`Could not check the schedules of open studies: ${error.message}`));
  }

  /** Every open study has its schedule, even one whose schedule Redis lost (a flushed or replaced Redis). */
  private async reschedule(): Promise<void> {
    for (const study of await this.studies.find({ where: { finishedAt: IsNull() }, select: { id: true } })) await this.triggers.schedule(study.id);
  }
}
