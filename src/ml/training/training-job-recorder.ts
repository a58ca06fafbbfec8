import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { EventBus } from '../../platform/events/event-bus';
import { ExperimentsService, MetricPoint } from '../experiments/experiments.service';
import { jobEventData } from './job-events';
import { JobStatus, TrainingJob } from './training-job.entity';
import { TrainingJobLog } from './training-job-log.entity';

const FLUSH_MS = 250;
const PROGRESS_EVENT_MS = 1000;

type FinalPatch = Partial<Pick<TrainingJob, 'error' | 'errorKind' | 'metrics' | 'artifact' | 'stage' | 'progress'>>;

/**
 * Writes what a running job reports: status transitions at once, progress and log lines batched
 * every 250 ms (flushed before any transition), and the matching ml.job.* events on the bus.
 */
@Injectable()
export class TrainingJobRecorder {
  private readonly logger = new Logger('TrainingJobRecorder');
  private readonly pendingProgress = new Map<string, { progress: number; stage: string }>();
  private readonly pendingLogs: Omit<TrainingJobLog, 'seq'>[] = [];
  private readonly lastProgressEvent = new Map<string, number>();
  private readonly pendingMetrics: { jobId: string; point: MetricPoint }[] = [];
  private readonly runOfJob = new Map<string, string | null>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectRepository(TrainingJob) private readonly jobs: Repository<TrainingJob>,
    @InjectRepository(TrainingJobLog) private readonly logs: Repository<TrainingJobLog>,
    private readonly bus: EventBus,
    private readonly experiments: ExperimentsService,
  ) {}

  /** queued|running → running; null when the job is already final (cancelled, or done by another worker). */
  async start(id: string, attempt: number, worker: string): Promise<TrainingJob | null> {
    const result = await this.jobs.update(
      { id, status: In(['queued', 'running']) },
      { status: 'running', attempts: attempt, worker, stage: 'starting', progress: 0, error: null, errorKind: null, updatedAt: new Date(), startedAt: () => 'coalesce(started_at, now())' },
    );
    if (!result.affected) return null;
    const job = await this.jobs.findOneByOrFail({ id });
    this.bus.publish('ml.job.started', jobEventData(job, { worker }), id);
    return job;
  }

  progress(job: TrainingJob, progress: number, stage: string, message?: string): void {
    this.pendingProgress.set(job.id, { progress, stage: message ? `${stage}: ${message}` : stage });
    const last = this.lastProgressEvent.get(job.id) ?? 0;
    if (Date.now() - last >= PROGRESS_EVENT_MS || progress >= 1) {
      this.lastProgressEvent.set(job.id, Date.now());
      this.bus.publish('ml.job.progress', jobEventData(job, { progress, stage, ...(message ? { message } : {}) }), job.id);
    }
    this.schedule();
  }

  log(jobId: string, level: string, message: string): void {
    this.pendingLogs.push({ jobId, time: new Date(), level, message: message.slice(0, 16_000) });
    this.schedule();
  }

  metric(job: TrainingJob, name: string, value: number, step?: number): void {
    this.bus.publish('ml.job.metric', jobEventData(job, { name, value, ...(step !== undefined ? { step } : {}) }), job.id);
    this.pendingMetrics.push({ jobId: job.id, point: { key: name, value, step: step ?? 0, time: new Date() } });
    this.log(job.id, 'metric', step !== undefined ? `${name}=${value} (step ${step})` : `${name}=${value}`);
  }

  /** Final or back-to-queued transition, written only while the job is running (a cancel may have won). */
  async finish(job: TrainingJob, status: JobStatus, patch: FinalPatch): Promise<boolean> {
    await this.flush();
    this.lastProgressEvent.delete(job.id);
    const final = status !== 'queued' && status !== 'running';
    const result = await this.jobs.update(
      { id: job.id, status: 'running' },
      { status, ...patch, updatedAt: new Date(), ...(final ? { finishedAt: new Date() } : {}) },
    );
    if (!result.affected) return false;
    if (final) await this.closeRun(job.id, status, patch.artifact ?? null);
    const eventType = status === 'queued' ? 'ml.job.requeued' : `ml.job.${status}`;
    this.bus.publish(eventType, jobEventData({ ...job, status }, { ...(patch.metrics ? { metrics: patch.metrics } : {}), ...(patch.error ? { error: patch.error, errorKind: patch.errorKind } : {}) }), job.id);
    return true;
  }

  /** Writes buffered progress and log lines now. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.write()).catch((error: Error) => this.logger.error(`Could not record training progress: ${error.message}`));
    return this.flushing;
  }

  /** Ends the job's experiment run with the job (a requeued job keeps its run open) and forgets the job. */
  private async closeRun(jobId: string, status: JobStatus, artifact: TrainingJob['artifact']): Promise<void> {
    const runId = await this.runIdOf(jobId);
    this.runOfJob.delete(jobId);
    if (!runId) return;
    await this.experiments.finishRun(runId, status === 'succeeded' ? 'finished' : status === 'cancelled' || status === 'pruned' ? 'killed' : 'failed', artifact ? [{ name: 'model', uri: artifact.uri, sha256: artifact.sha256 }] : [], true);
  }

  /** The experiment run that records this job, if any. */
  private async runIdOf(jobId: string): Promise<string | null> {
    if (!this.runOfJob.has(jobId)) this.runOfJob.set(jobId, (await this.experiments.runOfJob(jobId))?.id ?? null);
    return this.runOfJob.get(jobId)!;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private async write(): Promise<void> {
    const progress = [...this.pendingProgress.entries()];
    this.pendingProgress.clear();
    const logs = this.pendingLogs.splice(0);
    if (logs.length) await this.logs.insert(logs);
    const metrics = this.pendingMetrics.splice(0);
    for (const jobId of new Set(metrics.map((m) => m.jobId))) {
      const runId = await this.runIdOf(jobId);
      if (runId) await this.experiments.logMetrics(runId, metrics.filter((m) => m.jobId === jobId).map((m) => m.point), true);
    }
    for (const [id, p] of progress) await this.jobs.update({ id, status: 'running' }, { progress: p.progress, stage: p.stage.slice(0, 500), updatedAt: new Date() });
  }
}
