import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, In, MoreThan, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../platform/config/app-config';
import { ConflictError, DependencyUnavailableError, FieldProblem, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { JsonSchemaValidator } from '../../platform/json-schema/json-schema-validator';
import { ADAPTER_CATALOG, TASK_METRICS } from '../adapters/adapter-catalog';
import { Task, Validation } from '../adapters/adapter-protocol';
import { lineageTags } from '../datasets/dataset-lineage';
import { Dataset } from '../datasets/dataset.entity';
import { AdapterRuntimeService } from '../adapters/adapter-runtime.service';
import { inferTask } from '../datasets/dataset-profile';
import { DatasetsService } from '../datasets/datasets.service';
import { DEFAULT_EXPERIMENT, ExperimentsService } from '../experiments/experiments.service';
import { JobCancellation } from './job-cancellation';
import { jobEventData } from './job-events';
import { SubmitTrainingJobDto } from './training-job.dto';
import { FINAL_STATUSES, JobStatus, TrainingJob } from './training-job.entity';
import { TrainingJobLog } from './training-job-log.entity';
import { TRAINING_QUEUE, TrainingJobData } from './training-queue';

const CANCEL_WAIT_MS = 15_000;

/** A job with what it produced elsewhere: its experiment run and the model versions registered from it. */
export type TrainingJobView = TrainingJob & { runId: string | null; registeredVersions: { model: string; version: number }[] };

/** Submitting, reading and cancelling training jobs. Everything is checked before a job is queued. */
@Injectable()
export class TrainingJobsService {
  private readonly schemas = new JsonSchemaValidator();

  constructor(
    @InjectRepository(TrainingJob) private readonly jobs: Repository<TrainingJob>,
    @InjectRepository(TrainingJobLog) private readonly logs: Repository<TrainingJobLog>,
    @InjectQueue(TRAINING_QUEUE) private readonly queue: Queue<TrainingJobData>,
    private readonly datasets: DatasetsService,
    private readonly runtimes: AdapterRuntimeService,
    private readonly cancellation: JobCancellation,
    private readonly experiments: ExperimentsService,
    private readonly bus: EventBus,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Checks and queues a job; `runTags` go on its experiment run (a hyper-parameter search names its
   * study and trial), `jobId` is the id to give it (a caller that recorded it first can retry safely).
   */
  async submit(dto: SubmitTrainingJobDto, options: { runTags?: Record<string, string>; jobId?: string } = {}): Promise<TrainingJobView> {
    const { dataset, task, features, hyperparameters, validation } = await this.check(dto);
    await this.runtimes.assertAvailable(dto.adapter);

    const now = new Date();
    const job = this.jobs.create({
      id: options.jobId ?? uuidv7(),
      adapter: dto.adapter,
      algorithm: dto.algorithm,
      task,
      datasetId: dataset.id,
      target: dto.target,
      features,
      hyperparameters,
      validation,
      seed: dto.seed ?? 42,
      experiment: dto.experiment ?? null,
      registerAs: dto.registerAs ?? null,
      timeoutMs: dto.timeoutMs ?? this.config.training.jobTimeoutMs,
      intermediateMetric: dto.intermediateMetric ?? null,
      status: 'queued',
      progress: 0,
      stage: 'queued',
      attempts: 0,
      error: null,
      errorKind: null,
      metrics: null,
      artifact: null,
      worker: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    });
    // before the job is saved: a deleted experiment refuses the job (409) and leaves nothing behind
    const experiment = await this.experiments.ensure(job.experiment ?? DEFAULT_EXPERIMENT);
    await this.jobs.save(job);
    const run = await this.experiments.createRun(experiment.id, {
      name: `${job.adapter}/${job.algorithm}`,
      params: { adapter: job.adapter, algorithm: job.algorithm, task: job.task, target: job.target, features: job.features, seed: job.seed, validation: job.validation, ...job.hyperparameters },
      tags: { dataset: dataset.name, source: 'training-job', ...lineageTags(dataset.lineage), ...options.runTags },
      datasetSha256: dataset.sha256,
      trainingJobId: job.id,
    });
    try {
      await this.queue.add('train', { jobId: job.id }, { jobId: job.id, attempts: this.config.training.attempts, backoff: { type: 'exponential', delay: this.config.training.backoffMs }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } });
    } catch (error) {
      await this.experiments.discardRun(run.id);
      await this.jobs.delete(job.id);
      throw new DependencyUnavailableError('redis', `The training queue did not accept the job: ${(error as Error).message}`, 'check REDIS_URL and that Redis is running');
    }
    this.bus.publish('ml.job.queued', jobEventData(job), job.id);
    return { ...job, runId: run.id, registeredVersions: [] };
  }

  /** Everything submit checks, without queueing anything: a 400 naming each problem, else what the job would run on. */
  async check(dto: SubmitTrainingJobDto): Promise<{ dataset: Dataset; task: Task; features: string[]; hyperparameters: Record<string, unknown>; validation: Validation }> {
    const adapter = ADAPTER_CATALOG[dto.adapter];
    // own keys only: "__proto__", "constructor" or "toString" would otherwise find Object.prototype's members
    const algorithm = Object.hasOwn(adapter.algorithms, dto.algorithm) ? adapter.algorithms[dto.algorithm] : undefined;
    if (!algorithm) throw new ValidationFailedError([{ field: 'algorithm', reason: `"${dto.algorithm}" is not an algorithm of the ${dto.adapter} adapter; choose one of ${Object.keys(adapter.algorithms).join(', ')}` }]);
    const dataset = await this.datasets.get(dto.dataset).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new ValidationFailedError([{ field: 'dataset', reason: `no dataset with id or name "${dto.dataset}"; register it with POST /api/ml/datasets` }]);
      throw error;
    });
    const columns = new Map(dataset.columns.map((c) => [c.name, c]));
    const problems: FieldProblem[] = [];
    const target = columns.get(dto.target);
    if (!target) problems.push({ field: 'target', reason: `"${dto.target}" is not a column of dataset "${dataset.name}"; columns: ${[...columns.keys()].join(', ')}` });
    const features = dto.features ?? [...columns.keys()].filter((c) => c !== dto.target);
    const unknown = features.filter((f) => !columns.has(f));
    if (unknown.length) problems.push({ field: 'features', reason: `not columns of dataset "${dataset.name}": ${unknown.join(', ')}` });
    if (features.includes(dto.target)) problems.push({ field: 'features', reason: 'must not include the target' });
    if (features.length === 0) problems.push({ field: 'features', reason: 'must name at least one column' });
    const task = dto.task ?? (target ? inferTask(target) : 'classification');
    if (!algorithm.tasks.includes(task)) problems.push({ field: 'task', reason: `${dto.adapter}/${dto.algorithm} supports ${algorithm.tasks.join(' and ')}, not ${task}` });
    if (target && task === 'regression' && !['integer', 'number'].includes(target.type)) problems.push({ field: 'target', reason: `regression needs a numeric target; "${target.name}" is ${target.type}` });
    if (target && task === 'classification' && target.distinct < 2) problems.push({ field: 'target', reason: `"${target.name}" has ${target.distinct} distinct value(s); classification needs at least two` });
    const hyperparameters = dto.hyperparameters ?? {};
    problems.push(...this.schemas.validate(algorithm.hyperparameters, hyperparameters).map((p) => ({ field: p.field === '(arguments)' ? 'hyperparameters' : `hyperparameters.${p.field}`, reason: p.reason })));
    if (dto.intermediateMetric !== undefined && !Object.hasOwn(TASK_METRICS[task], dto.intermediateMetric)) {
      problems.push({ field: 'intermediateMetric', reason: `"${dto.intermediateMetric}" is not a ${task} metric; choose one of ${Object.keys(TASK_METRICS[task]).join(', ')}` });
    }
    const validation = this.validation(dto, problems);
    if (problems.length) throw new ValidationFailedError(problems);
    return { dataset, task, features, hyperparameters, validation };
  }

  async list(status = 'all', limit = 50): Promise<TrainingJobView[]> {
    const where = status === 'all' ? {} : status === 'active' ? { status: In(['queued', 'running']) } : { status: status as JobStatus };
    return this.traced(await this.jobs.find({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: limit }));
  }

  async get(id: string): Promise<TrainingJobView> {
    const job = await this.jobs.findOneBy({ id });
    if (!job) throw new NotFoundError('training job', id);
    return (await this.traced([job]))[0];
  }

  /** Two queries for any number of jobs: their runs, and the versions registered from them (oldest first). */
  private async traced(jobs: TrainingJob[]): Promise<TrainingJobView[]> {
    if (!jobs.length) return [];
    const ids = jobs.map((j) => j.id);
    const [runs, versions] = await Promise.all([
      this.dataSource.query(`SELECT id, training_job_id FROM mcp_hub.runs WHERE training_job_id = ANY($1)`, [ids]) as Promise<{ id: string; training_job_id: string }[]>,
      this.dataSource.query(
        `SELECT v.training_job_id, m.name, v.version FROM mcp_hub.model_versions v JOIN mcp_hub.registered_models m ON m.id = v.model_id WHERE v.training_job_id = ANY($1) ORDER BY v.created_at, m.name`,
        [ids],
      ) as Promise<{ training_job_id: string; name: string; version: number }[]>,
    ]);
    const runOf = new Map(runs.map((r) => [r.training_job_id, r.id]));
    return jobs.map((job) => ({
      ...job,
      runId: runOf.get(job.id) ?? null,
      registeredVersions: versions.filter((v) => v.training_job_id === job.id).map((v) => ({ model: v.name, version: Number(v.version) })),
    }));
  }

  async logLines(id: string, after = 0, limit = 1000): Promise<TrainingJobLog[]> {
    await this.get(id);
    return this.logs.find({ where: { jobId: id, seq: MoreThan(String(after)) }, order: { seq: 'ASC' }, take: limit });
  }

  /** The newest `count` log lines, oldest first. */
  async lastLogLines(id: string, count: number): Promise<TrainingJobLog[]> {
    await this.get(id);
    return (await this.logs.find({ where: { jobId: id }, order: { seq: 'DESC' }, take: count })).reverse();
  }

  /**
   * A queued job is removed from the queue; a running one is stopped by its worker (the adapter
   * process is killed). Answers once the job has reached a final status, or after 15 s with its
   * current one.
   */
  async cancel(id: string): Promise<TrainingJobView> {
    const job = await this.get(id);
    if (FINAL_STATUSES.includes(job.status)) throw new ConflictError('JOB_FINISHED', `Training job ${id} already ${job.status}; only queued or running jobs can be cancelled`, { status: job.status });
    await this.cancellation.request(id);
    const queued = await this.queue.getJob(id);
    const state = await queued?.getState();
    if (queued && (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children')) {
      await queued.remove().catch(() => undefined);
      const result = await this.jobs.update({ id, status: 'queued' }, { status: 'cancelled', stage: 'cancelled', errorKind: 'cancelled', error: 'cancelled before it started', finishedAt: new Date(), updatedAt: new Date() });
      if (result.affected) {
        if (job.runId) await this.experiments.finishRun(job.runId, 'killed', [], true);
        this.bus.publish('ml.job.cancelled', jobEventData({ ...job, status: 'cancelled' }), id);
      }
    }
    const deadline = Date.now() + CANCEL_WAIT_MS;
    // polled by its row alone; its run and registered versions are read once, for the answer
    for (;;) {
      const current = await this.jobs.findOneBy({ id });
      if (!current) throw new NotFoundError('training job', id);
      if (FINAL_STATUSES.includes(current.status) || Date.now() > deadline) return (await this.traced([current]))[0];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private validation(dto: SubmitTrainingJobDto, problems: FieldProblem[]): Validation {
    const { holdout, folds } = dto.validation ?? {};
    if (holdout !== undefined && folds !== undefined) problems.push({ field: 'validation', reason: 'give either holdout or folds, not both' });
    return folds !== undefined ? { folds } : { holdout: holdout ?? 0.2 };
  }
}
