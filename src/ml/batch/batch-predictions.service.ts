import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../platform/config/app-config';
import { ConflictError, DependencyUnavailableError, FieldProblem, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { RegistryService } from '../registry/registry.service';
import { progressOf } from './batch-chunks';
import { BatchQueueFullError } from './batch-errors';
import { batchEventData } from './batch-events';
import { BatchInputs } from './batch-inputs';
import { BatchOutputs } from './batch-outputs';
import { ListBatchPredictionsQueryDto, SubmitBatchPredictionDto } from './batch-prediction.dto';
import { BatchPrediction, BatchStatus, FINAL_BATCH_STATUSES } from './batch-prediction.entity';
import { BATCH_ATTEMPTS, BATCH_BACKOFF_MS, BATCH_QUEUE, BatchJobData } from './batch-queue';

/** A job as the API shows it: the row, its progress and where its output is. */
export type BatchPredictionView = Omit<BatchPrediction, 'partAttempts' | 'inputSha256'> & { progress: number; outputUrl: string | null };

/** Serialises the queue-length check and the insert across hub replicas (pg advisory lock key). */
const SUBMIT_LOCK = 0x6261_7463; // "batc"
const QUEUE_FULL_RETRY_AFTER_SECONDS = 30;

/** Submitting, reading, cancelling and downloading batch predictions. Everything is checked before a job is queued. */
@Injectable()
export class BatchPredictionsService {
  constructor(
    @InjectRepository(BatchPrediction) private readonly jobs: Repository<BatchPrediction>,
    @InjectQueue(BATCH_QUEUE) private readonly queue: Queue<BatchJobData>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly inputs: BatchInputs,
    private readonly outputs: BatchOutputs,
    private readonly bus: EventBus,
    private readonly config: AppConfig,
  ) {}

  /**
   * Pins the version the ref names now, checks the input (and, when its columns are known, that it
   * has the model's features and the idColumn), then queues the job; 503 with Retry-After past
   * BATCH_MAX_QUEUED_JOBS waiting jobs.
   */
  async submit(dto: SubmitBatchPredictionDto, actor: string): Promise<BatchPredictionView> {
    const version = await this.registry.resolve(dto.model, dto.ref ?? 'production');
    const resolved = await this.inputs.resolve(dto.input);
    const problems: FieldProblem[] = [];
    if (resolved.columns) {
      const columns = new Set(resolved.columns);
      const missing = (version.signature?.inputs ?? []).map((i) => i.name).filter((name) => !columns.has(name));
      if (missing.length) problems.push({ field: 'input.datasetId', reason: `the dataset lacks columns version ${version.version} of "${dto.model}" needs: ${missing.join(', ')}` });
      if (dto.idColumn !== undefined && !columns.has(dto.idColumn)) problems.push({ field: 'idColumn', reason: `"${dto.idColumn}" is not a column of the dataset; columns: ${resolved.columns.join(', ')}` });
    }
    if (problems.length) throw new ValidationFailedError(problems);

    const now = new Date();
    const job = this.jobs.create({
      id: uuidv7(),
      model: dto.model,
      ref: dto.ref ?? 'production',
      version: version.version,
      input: resolved.input,
      inputFormat: resolved.format,
      inputSha256: resolved.sha256,
      idColumn: dto.idColumn ?? null,
      chunkSize: dto.chunkSize ?? this.config.batch.chunkRows,
      outputFormat: dto.output?.format ?? 'csv',
      status: 'queued',
      rowsTotal: resolved.rowsTotal,
      rowsDone: 0,
      parts: 0,
      outputBytes: 0,
      outputColumns: null,
      partAttempts: [],
      attempts: 0,
      worker: null,
      error: null,
      errorKind: null,
      submittedBy: actor,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    });
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SUBMIT_LOCK]);
      const waiting = await manager.count(BatchPrediction, { where: { status: 'queued' } });
      if (waiting >= this.config.batch.maxQueuedJobs) throw new BatchQueueFullError(this.config.batch.maxQueuedJobs, QUEUE_FULL_RETRY_AFTER_SECONDS);
      await manager.insert(BatchPrediction, job);
    });
    try {
      await this.queue.add('predict', { jobId: job.id }, { jobId: job.id, attempts: BATCH_ATTEMPTS, backoff: { type: 'exponential', delay: BATCH_BACKOFF_MS }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } });
    } catch (error) {
      await this.jobs.delete(job.id);
      throw new DependencyUnavailableError('redis', `The batch queue did not accept the job: ${(error as Error).message}`, 'check REDIS_URL and that Redis is running');
    }
    this.bus.publish('ml.batch.queued', batchEventData(job, { ref: job.ref, input: job.input, actor }), job.id);
    return view(job);
  }

  async list(query: ListBatchPredictionsQueryDto): Promise<BatchPredictionView[]> {
    const status = query.status ?? 'all';
    const where = {
      ...(status === 'all' ? {} : status === 'active' ? { status: In(['queued', 'running']) } : { status: status as BatchStatus }),
      ...(query.model ? { model: query.model } : {}),
    };
    const jobs = await this.jobs.find({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit ?? 50, skip: query.offset ?? 0 });
    return jobs.map(view);
  }

  async get(id: string): Promise<BatchPredictionView> {
    return view(await this.row(id));
  }

  /**
   * A queued job is taken off the queue; a running one stops at its next chunk, because its worker
   * can no longer commit. Its output parts are deleted. Answers with the cancelled job at once.
   */
  async cancel(id: string): Promise<BatchPredictionView> {
    const job = await this.row(id);
    if (FINAL_BATCH_STATUSES.includes(job.status)) throw new ConflictError('BATCH_FINISHED', `Batch prediction ${id} already ${job.status}; only queued or running jobs can be cancelled`, { status: job.status });
    const result = await this.jobs.update({ id, status: In(['queued', 'running']) }, { status: 'cancelled', errorKind: 'cancelled', error: `cancelled after ${job.rowsDone} rows`, finishedAt: new Date(), updatedAt: new Date() });
    const cancelled = await this.row(id);
    if (!result.affected) return view(cancelled);
    this.bus.publish('ml.batch.cancelled', batchEventData(cancelled), id);
    const queued = await this.queue.getJob(id);
    const state = await queued?.getState();
    if (queued && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) {
      await queued.remove().catch(() => undefined);
      // nothing runs it any more: its parts (from attempts before a requeue) go now
      await this.outputs.discard(id);
    }
    return view(cancelled);
  }

  /** The output of a succeeded job, streamed part by part. */
  async output(id: string): Promise<{ job: BatchPrediction; size: number; contentType: string; fileName: string; body: AsyncGenerator<Buffer> }> {
    const job = await this.row(id);
    if (job.status !== 'succeeded') throw new ConflictError('BATCH_NOT_SUCCEEDED', `Batch prediction ${id} is ${job.status}; its output can be downloaded once it succeeded`, { status: job.status, rowsDone: job.rowsDone });
    return { job, size: this.outputs.size(job), contentType: this.outputs.contentType(job.outputFormat), fileName: `${job.model}-v${job.version}-${job.id}.${job.outputFormat}`, body: this.outputs.read(job) };
  }

  private async row(id: string): Promise<BatchPrediction> {
    const job = await this.jobs.findOneBy({ id });
    if (!job) throw new NotFoundError('batch prediction', id);
    return job;
  }
}

function view(job: BatchPrediction): BatchPredictionView {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { partAttempts, inputSha256, ...shown } = job;
  return { ...shown, progress: job.status === 'succeeded' ? 1 : progressOf(job.rowsDone, job.rowsTotal), outputUrl: job.status === 'succeeded' ? `/api/ml/batch-predictions/${job.id}/output` : null };
}
