import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { HubInstanceService } from '../../platform/instance/hub-instance.service';
import { InstanceRole } from '../../platform/instance/instance-role';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { AdapterName } from '../adapters/adapter-catalog';
import { AdapterEvent } from '../adapters/adapter-protocol';
import { AdapterRuntimeService } from '../adapters/adapter-runtime.service';
import { DatasetChangedError, DatasetsService } from '../datasets/datasets.service';
import { RegistryService } from '../registry/registry.service';
import { JobCancellation } from './job-cancellation';
import { ModelArtifacts } from './model-artifacts';
import { TrainingJob } from './training-job.entity';
import { TrainingJobRecorder } from './training-job-recorder';
import { RunOutcome, TrainingRun } from './training-run';
import { TRAINING_QUEUE, TrainingJobData } from './training-queue';

/**
 * The BullMQ worker of queue `training`: one adapter process per job, TRAINING_CONCURRENCY at once.
 * Bad data fails at once; infrastructure errors are retried with backoff; a worker that dies loses
 * its lock and the job runs again elsewhere (the job row makes a finished job a no-op). On shutdown
 * active jobs get TRAINING_SHUTDOWN_GRACE_MS to finish, then go back to the queue.
 */
@Injectable()
export class TrainingWorker implements OnModuleInit {
  private readonly logger = new Logger('TrainingWorker');
  private worker?: Worker<TrainingJobData>;
  private readonly running = new Map<string, TrainingRun>();

  constructor(
    private readonly config: AppConfig,
    private readonly role: InstanceRole,
    private readonly redis: RedisConnections,
    private readonly coordinator: ShutdownCoordinator,
    private readonly instance: HubInstanceService,
    private readonly datasets: DatasetsService,
    private readonly recorder: TrainingJobRecorder,
    private readonly artifacts: ModelArtifacts,
    private readonly cancellation: JobCancellation,
    private readonly registry: RegistryService,
    private readonly runtimes: AdapterRuntimeService,
    private readonly bus: EventBus,
  ) {}

  get enabled(): boolean {
    return this.role.role === 'worker' || this.config.training.workerEnabled;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const { concurrency, stalledIntervalMs } = this.config.training;
    this.worker = new Worker<TrainingJobData>(TRAINING_QUEUE, (job, token) => this.process(job, token), {
      ...this.redis.bullMqOptions(),
      concurrency,
      lockDuration: stalledIntervalMs,
      stalledInterval: stalledIntervalMs,
      maxStalledCount: 2,
    });
    this.worker.on('error', (error) => this.logger.error(`Training worker: ${error.message}`));
    this.coordinator.register({ phase: 'workers', name: 'training-worker', close: () => this.close() });
    this.logger.log(`Training worker started (concurrency ${concurrency})`);
  }

  private async process(bullJob: Job<TrainingJobData>, token?: string): Promise<void> {
    const { jobId } = bullJob.data;
    const job = await this.recorder.start(jobId, Math.max(bullJob.attemptsStarted, bullJob.attemptsMade + 1), this.instance.id);
    if (!job) return;
    const stop = await this.cancellation.requested(jobId);
    // a pruned trial killed with its worker and retried here stays pruned
    if (stop === 'pruned') return void (await this.recorder.finish(job, 'pruned', { stage: 'pruned' }));
    if (stop) {
      await this.recorder.finish(job, 'cancelled', { errorKind: 'cancelled', error: 'cancelled before it started', stage: 'cancelled' });
      return;
    }
    const outcome = await this.attempt(job);
    await this.registerIfAsked(job, outcome);
    await this.conclude(job, outcome, bullJob, token);
  }

  private async attempt(job: TrainingJob): Promise<RunOutcome> {
    let datasetPath: string;
    const dataset = await this.datasets.get(job.datasetId);
    try {
      datasetPath = await this.datasets.localCopy(dataset);
    } catch (error) {
      if (error instanceof DatasetChangedError) return { kind: 'failed', errorKind: 'data', message: error.message };
      return { kind: 'failed', errorKind: 'infrastructure', message: `could not read the dataset: ${(error as Error).message}` };
    }
    const run = new TrainingRun(job, dataset, datasetPath, await this.runtimes.pythonFor(job.adapter as AdapterName));
    this.running.set(job.id, run);
    const unwatch = await this.cancellation.watch(job.id, (reason) => run.stop(reason));
    try {
      this.recorder.log(job.id, 'info', `attempt ${job.attempts} on ${this.instance.id}: ${job.adapter}/${job.algorithm}, ${job.task}, dataset ${dataset.name} (${dataset.rowCount} rows)`);
      const outcome = await run.run({ onEvent: (event) => this.onAdapterEvent(job, event) });
      if (outcome.kind !== 'succeeded') return outcome;
      // a pruner's verdict on a step the fit has run past by the time it is reached still decides the trial,
      // so how fast the fit ran cannot change what the search learns (its last steps reach the pruner first)
      await this.bus.delivered();
      if ((await this.cancellation.afterVerdicts(job.id)) === 'pruned') return { kind: 'pruned' };
      try {
        const artifact = await this.artifacts.save(job, dataset, outcome.artifact, outcome.result);
        this.recorder.log(job.id, 'info', `model stored at ${artifact.uri} (${artifact.size} bytes, sha256 ${artifact.sha256})`);
        await this.recorder.finish(job, 'succeeded', { metrics: outcome.result.metrics, artifact, progress: 1, stage: 'done' });
        return outcome;
      } catch (error) {
        return { kind: 'failed', errorKind: 'infrastructure', message: `could not store the model: ${(error as Error).message}` };
      }
    } finally {
      unwatch();
      this.running.delete(job.id);
      await run.dispose();
    }
  }

  private onAdapterEvent(job: TrainingJob, event: AdapterEvent): void {
    switch (event.type) {
      case 'progress':
        this.recorder.progress(job, event.fraction, event.stage, event.message);
        break;
      case 'metric':
        this.recorder.metric(job, event.name, event.value, event.step);
        break;
      case 'log':
        this.recorder.log(job.id, event.level, event.message);
        break;
      case 'error':
        this.recorder.log(job.id, 'error', `${event.kind} error: ${event.message}`);
        break;
      default:
        break;
    }
  }

  private async conclude(job: TrainingJob, outcome: RunOutcome, bullJob: Job<TrainingJobData>, token?: string): Promise<void> {
    switch (outcome.kind) {
      case 'succeeded':
        return;
      case 'cancelled':
        this.recorder.log(job.id, 'warn', 'cancelled; the adapter process was stopped');
        await this.recorder.finish(job, 'cancelled', { errorKind: 'cancelled', error: 'cancelled while running', stage: 'cancelled' });
        return;
      case 'pruned':
        this.recorder.log(job.id, 'info', 'pruned by its hyper-parameter search; the adapter process was stopped');
        await this.recorder.finish(job, 'pruned', { stage: 'pruned' });
        return;
      case 'interrupted':
        this.recorder.log(job.id, 'warn', 'the worker is shutting down; the job goes back to the queue');
        await this.recorder.finish(job, 'queued', { stage: 'requeued after a worker shutdown', progress: 0 });
        await bullJob.moveToWait(token);
        throw new WaitingError();
      case 'failed': {
        const retry = outcome.errorKind === 'infrastructure' && bullJob.attemptsMade + 1 < (bullJob.opts.attempts ?? 1);
        this.recorder.log(job.id, 'error', outcome.message + (retry ? '; will retry' : ''));
        if (retry) {
          await this.recorder.finish(job, 'queued', { error: outcome.message, errorKind: outcome.errorKind, stage: `retrying after attempt ${job.attempts}` });
          throw new Error(outcome.message);
        }
        await this.recorder.finish(job, 'failed', { error: outcome.message, errorKind: outcome.errorKind, stage: 'failed' });
        throw new UnrecoverableError(outcome.message);
      }
    }
  }

  /** Registers the model when the job asked for it (registerAs). */
  private async registerIfAsked(job: TrainingJob, outcome: RunOutcome): Promise<void> {
    if (outcome.kind !== 'succeeded' || !job.registerAs) return;
    try {
      const version = await this.registry.registerFromJob(job.registerAs, job.id, `training-job:${job.id}`);
      this.recorder.log(job.id, 'info', `registered as ${job.registerAs} version ${version.version}`);
    } catch (error) {
      this.recorder.log(job.id, 'error', `could not register the model as ${job.registerAs}: ${(error as Error).message}`);
    }
    await this.recorder.flush();
  }

  private async close(): Promise<void> {
    if (!this.worker) return;
    const closing = this.worker.close();
    const grace = this.config.training.shutdownGraceMs;
    let timer: NodeJS.Timeout | undefined;
    const finishedInTime = await Promise.race([closing.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), grace)))]);
    clearTimeout(timer);
    if (!finishedInTime) {
      this.logger.warn(`${this.running.size} training job(s) still running after ${grace} ms; stopping them and putting them back on the queue`);
      for (const run of this.running.values()) run.stop('shutdown');
      await closing;
    }
    await this.recorder.flush();
  }
}
