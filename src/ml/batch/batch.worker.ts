import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { ARTIFACT_STORE, ArtifactStore } from '../../platform/artifacts/artifact-store';
import { AppConfig } from '../../platform/config/app-config';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { HubInstanceService } from '../../platform/instance/hub-instance.service';
import { InstanceRole } from '../../platform/instance/instance-role';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { ModelPredictor, PredictionResult } from '../inference/model-predictor';
import { RegistryService } from '../registry/registry.service';
import { badRowMessage, Chunk, chunksOf, InputShrankError, partKey, rowShape } from './batch-chunks';
import { BatchDataError } from './batch-errors';
import { BatchInputs } from './batch-inputs';
import { BatchJobRecorder } from './batch-job-recorder';
import { formatChunk, outputColumns } from './batch-output';
import { BatchOutputs } from './batch-outputs';
import { BatchPrediction } from './batch-prediction.entity';
import { BATCH_QUEUE, BatchJobData } from './batch-queue';

/** Upper bound on chunks predicted at once, whatever SERVING_PYTHON_WORKERS says: each holds its rows in memory. */
const MAX_PREDICT_AHEAD = 4;

type Outcome =
  | { kind: 'succeeded' }
  | { kind: 'failed'; errorKind: 'data' | 'infrastructure'; message: string }
  /** cancelled, or taken over by another worker: this attempt no longer holds the job */
  | { kind: 'lost' }
  | { kind: 'interrupted' };

/**
 * The BullMQ worker of queue `batch-predictions`. A job reads its input in chunks; each chunk is
 * predicted by the version pinned at submit, written as one part to the ArtifactStore, then
 * committed (parts + rows done) in PostgreSQL. A worker that dies loses its lock; the job runs again
 * elsewhere and resumes after the last committed chunk. On shutdown a job stops after its current
 * chunk and goes back to the queue.
 */
@Injectable()
export class BatchWorker implements OnModuleInit {
  private readonly logger = new Logger('BatchWorker');
  private worker?: Worker<BatchJobData>;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly role: InstanceRole,
    private readonly redis: RedisConnections,
    private readonly coordinator: ShutdownCoordinator,
    private readonly instance: HubInstanceService,
    private readonly recorder: BatchJobRecorder,
    private readonly inputs: BatchInputs,
    private readonly outputs: BatchOutputs,
    private readonly registry: RegistryService,
    private readonly predictor: ModelPredictor,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  get enabled(): boolean {
    return this.role.role === 'worker' || this.config.batch.workerEnabled;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const { concurrency, stalledIntervalMs } = this.config.batch;
    this.worker = new Worker<BatchJobData>(BATCH_QUEUE, (job, token) => this.process(job, token), {
      ...this.redis.bullMqOptions(),
      concurrency,
      lockDuration: stalledIntervalMs,
      stalledInterval: stalledIntervalMs,
      // every stall resumes from the last chunk, so a job may outlive several dead workers
      maxStalledCount: 5,
    });
    this.worker.on('error', (error) => this.logger.error(`Batch worker: ${error.message}`));
    this.coordinator.register({ phase: 'workers', name: 'batch-worker', close: () => this.close() });
    this.logger.log(`Batch prediction worker started (concurrency ${concurrency})`);
  }

  private async process(bullJob: Job<BatchJobData>, token?: string): Promise<void> {
    const { jobId } = bullJob.data;
    const job = await this.recorder.start(jobId, this.instance.id);
    if (!job) {
      if ((await this.recorder.statusOf(jobId)) === 'cancelled') await this.outputs.discard(jobId);
      return;
    }
    if (job.rowsDone > 0) this.logger.log(`Batch prediction ${job.id}: attempt ${job.attempts} resumes after row ${job.rowsDone} (${job.parts} parts committed)`);
    let outcome = await this.attempt(job).catch((error: unknown): Outcome => ({ kind: 'failed', errorKind: error instanceof BatchDataError ? 'data' : 'infrastructure', message: (error as Error).message }));
    // the serving pool stops in the same shutdown phase: its refusal is the shutdown, not a failed attempt
    if (outcome.kind === 'failed' && outcome.errorKind === 'infrastructure' && this.stopping) outcome = { kind: 'interrupted' };
    await this.conclude(job, outcome, bullJob, token);
  }

  private async attempt(job: BatchPrediction): Promise<Outcome> {
    const version = await this.registry.resolve(job.model, String(job.version)).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new BatchDataError(`version ${job.version} of model "${job.model}" is gone`) : error;
    });
    const opened = await this.inputs.open(job);
    try {
      if (opened.surveyed && !(await this.recorder.surveyed(job, opened.surveyed.rowsTotal, opened.surveyed.sha256))) return { kind: 'lost' };
      const chunks = chunksOf(opened.rows, job.chunkSize, job.rowsDone, rowShape(version.signature?.inputs ?? [], job.inputFormat, job.idColumn));
      const classes = version.signature?.output?.classes ?? null;
      // chunks predicted at once: one per serving worker, so the Python pool works while this process reads and writes; committed in order
      const ahead = Math.max(1, Math.min(MAX_PREDICT_AHEAD, this.config.serving.pythonWorkers));
      // only the ids and the pending answer wait in line: the model's rows go as soon as it has them
      const inFlight: { ids: unknown[]; predicted: Promise<PredictionResult> }[] = [];
      let exhausted = false;
      const readAhead = async () => {
        while (!exhausted && inFlight.length < ahead) {
          const { value: chunk, done } = await chunks.next();
          if (done) exhausted = true;
          else {
            const predicted = this.predict(job, chunk);
            predicted.catch(() => undefined);
            inFlight.push({ ids: chunk.ids, predicted });
          }
        }
      };
      try {
        await readAhead();
        for (;;) {
          const head = inFlight.shift();
          if (!head) break;
          await readAhead();
          const result = await head.predicted;
          const columns = job.outputColumns ?? outputColumns(job.idColumn, classes, result);
          const text = Buffer.from(formatChunk(job.outputFormat, columns, head.ids, result));
          await this.store.put(partKey(job.id, job.parts, job.attempts, job.outputFormat), text, { contentType: this.outputs.contentType(job.outputFormat) });
          if (!(await this.recorder.commit(job, { rows: head.ids.length, bytes: text.length, columns }))) return { kind: 'lost' };
          if (this.stopping) return { kind: 'interrupted' };
        }
      } finally {
        await chunks.return(undefined).catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof InputShrankError) throw new BatchDataError(error.message);
      throw error;
    } finally {
      await opened.close();
    }
    return { kind: 'succeeded' };
  }

  private async predict(job: BatchPrediction, chunk: Chunk): Promise<PredictionResult> {
    try {
      return await this.predictor.predict({ model: job.model, ref: String(job.version), rows: chunk.rows, source: 'batch', actor: job.submittedBy });
    } catch (error) {
      if (error instanceof ValidationFailedError) throw new BatchDataError(badRowMessage(error.problems, chunk, job.idColumn));
      if (error instanceof NotFoundError) throw new BatchDataError(error.message);
      throw error;
    }
  }

  private async conclude(job: BatchPrediction, outcome: Outcome, bullJob: Job<BatchJobData>, token?: string): Promise<void> {
    switch (outcome.kind) {
      case 'succeeded':
        if (await this.recorder.finish(job, 'succeeded', { rowsTotal: job.rowsDone })) await this.outputs.discardUncommitted(job);
        return;
      case 'lost':
        if ((await this.recorder.statusOf(job.id)) === 'cancelled') {
          this.logger.log(`Batch prediction ${job.id} was cancelled after ${job.rowsDone} rows`);
          await this.outputs.discard(job.id);
        } else this.logger.warn(`Batch prediction ${job.id}: attempt ${job.attempts} lost the job to another worker; it stops here`);
        return;
      case 'interrupted':
        this.logger.log(`Batch prediction ${job.id} goes back to the queue after row ${job.rowsDone}: the worker is shutting down`);
        await this.recorder.finish(job, 'queued');
        await bullJob.moveToWait(token);
        throw new WaitingError();
      case 'failed': {
        const retry = outcome.errorKind === 'infrastructure' && bullJob.attemptsMade + 1 < (bullJob.opts.attempts ?? 1);
        this.logger.warn(`Batch prediction ${job.id} attempt ${job.attempts} failed (${outcome.errorKind}): ${outcome.message}${retry ? '; will retry' : ''}`);
        if (retry) {
          await this.recorder.finish(job, 'queued', { error: outcome.message, errorKind: outcome.errorKind });
          throw new Error(outcome.message);
        }
        if (await this.recorder.finish(job, 'failed', { error: outcome.message, errorKind: outcome.errorKind })) await this.outputs.discard(job.id);
        throw new UnrecoverableError(outcome.message);
      }
    }
  }

  private async close(): Promise<void> {
    this.stopping = true;
    await this.worker?.close();
  }
}
