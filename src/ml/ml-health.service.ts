import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../platform/config/app-config';
import { InstanceRole } from '../platform/instance/instance-role';
import { withinMs } from '../platform/within-ms';
import { ADAPTER_CATALOG, ADAPTERS } from './adapters/adapter-catalog';
import { AdapterRuntimeService } from './adapters/adapter-runtime.service';
import { TRAINING_QUEUE, TrainingJobData } from './training/training-queue';
import { AdapterHealthDto, MlHealthDto, TrainingQueueDepthDto, TrainingWorkerDto } from './ml-health.dto';
import { mlHealthStatus } from './ml-health-status';
import { ServingHealth } from './inference/serving-health';

/** BullMQ's connection retries forever while Redis is away; a health answer must not wait for it. */
const REDIS_ANSWER_MS = 2000;

const NO_ANSWER = `Redis did not answer within ${REDIS_ANSWER_MS} ms`;

/** The ML pipeline at a glance: training queue depth, live workers, adapter runtimes. */
@Injectable()
export class MlHealthService {
  constructor(
    @InjectQueue(TRAINING_QUEUE) private readonly queue: Queue<TrainingJobData>,
    private readonly runtimes: AdapterRuntimeService,
    private readonly config: AppConfig,
    private readonly role: InstanceRole,
    private readonly serving: ServingHealth,
  ) {}

  async report(): Promise<MlHealthDto> {
    const [queue, connections, adapters] = await Promise.all([this.depth(), this.workers(), this.adapters()]);
    return {
      status: mlHealthStatus(queue.status === 'up', connections.length, adapters),
      queue,
      workers: {
        live: connections.length,
        thisInstance: this.role.role === 'worker' || this.config.training.workerEnabled,
        concurrency: this.config.training.concurrency,
        connections,
      },
      adapters,
      serving: this.serving.report(),
    };
  }

  private async depth(): Promise<TrainingQueueDepthDto> {
    try {
      const counts = await withinMs(this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), REDIS_ANSWER_MS, NO_ANSWER);
      return { name: TRAINING_QUEUE, status: 'up', waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 };
    } catch (error) {
      return { name: TRAINING_QUEUE, status: 'down', error: (error as Error).message };
    }
  }

  /** Workers are the Redis clients BullMQ named after the queue (CLIENT LIST); none when Redis is away. */
  private async workers(): Promise<TrainingWorkerDto[]> {
    try {
      const clients = await withinMs(this.queue.getWorkers(), REDIS_ANSWER_MS, NO_ANSWER);
      return clients.map((client) => ({ addr: client.addr, ageSeconds: Number(client.age), idleSeconds: Number(client.idle) }));
    } catch {
      return [];
    }
  }

  private adapters(): Promise<AdapterHealthDto[]> {
    return Promise.all(ADAPTERS.map(async (name) => ({ name, runtime: ADAPTER_CATALOG[name].runtime, ...(await this.runtimes.check(name)) })));
  }
}
