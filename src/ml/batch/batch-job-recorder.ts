import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { EventBus } from '../../platform/events/event-bus';
import { withAttempt } from './batch-chunks';
import { batchEventData } from './batch-events';
import { BatchPrediction, BatchStatus } from './batch-prediction.entity';

const PROGRESS_EVENT_MS = 1000;

/** What one committed chunk adds to the checkpoint. */
export interface ChunkCommit {
  rows: number;
  bytes: number;
  columns: string[];
}

/**
 * Writes what a running batch job does, each write guarded by the attempt that holds the job: a
 * worker whose job was cancelled, or taken over by another worker after it stalled, finds its next
 * write refused and stops. Publishes the matching ml.batch.* events.
 */
@Injectable()
export class BatchJobRecorder {
  private readonly lastProgressEvent = new Map<string, number>();

  constructor(
    @InjectRepository(BatchPrediction) private readonly jobs: Repository<BatchPrediction>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  /**
   * queued|running → running under a new attempt number, which owns the parts from the checkpoint on;
   * null when the job is final (cancelled, or finished by another worker) or gone.
   */
  async start(id: string, worker: string): Promise<BatchPrediction | null> {
    const job = await this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(BatchPrediction, { where: { id, status: In(['queued', 'running']) }, lock: { mode: 'pessimistic_write' } });
      if (!current) return null;
      const attempts = current.attempts + 1;
      const patch = { status: 'running' as const, attempts, worker, partAttempts: withAttempt(current.partAttempts, current.parts, attempts), error: null, errorKind: null, startedAt: current.startedAt ?? new Date(), updatedAt: new Date() };
      await manager.update(BatchPrediction, { id }, patch);
      return { ...current, ...patch };
    });
    if (job) this.bus.publish('ml.batch.started', batchEventData(job, { worker, resumedAtRow: job.rowsDone }), id);
    return job;
  }

  /** The row count and content hash the first attempt found in the input. */
  async surveyed(job: BatchPrediction, rowsTotal: number, sha256: string): Promise<boolean> {
    const result = await this.jobs.update({ id: job.id, status: 'running', attempts: job.attempts }, { rowsTotal, inputSha256: sha256, updatedAt: new Date() });
    if (!result.affected) return false;
    Object.assign(job, { rowsTotal, inputSha256: sha256 });
    return true;
  }

  /**
   * Makes the part just written visible: parts and rowsDone move forward in one guarded update, so
   * the output is exactly the committed parts whatever happens to this worker afterwards.
   */
  async commit(job: BatchPrediction, chunk: ChunkCommit): Promise<boolean> {
    const updated = (await this.dataSource.query(
      `UPDATE mcp_hub.batch_predictions
          SET parts = parts + 1, rows_done = rows_done + $2, output_bytes = output_bytes + $3, output_columns = coalesce(output_columns, $4::jsonb), updated_at = now()
        WHERE id = $1 AND status = 'running' AND attempts = $5 AND parts = $6
        RETURNING id`,
      [job.id, chunk.rows, chunk.bytes, JSON.stringify(chunk.columns), job.attempts, job.parts],
    )) as [{ id: string }[], number];
    if (!updated[1]) return false;
    job.parts += 1;
    job.rowsDone += chunk.rows;
    job.outputBytes += chunk.bytes;
    job.outputColumns ??= chunk.columns;
    const last = this.lastProgressEvent.get(job.id) ?? 0;
    if (Date.now() - last >= PROGRESS_EVENT_MS) {
      this.lastProgressEvent.set(job.id, Date.now());
      this.bus.publish('ml.batch.progress', batchEventData(job, { parts: job.parts }), job.id);
    }
    return true;
  }

  /** A final or back-to-queued transition, written only while this attempt still holds the job. */
  async finish(job: BatchPrediction, status: Exclude<BatchStatus, 'running'>, patch: Partial<Pick<BatchPrediction, 'error' | 'errorKind' | 'rowsTotal'>> = {}): Promise<boolean> {
    this.lastProgressEvent.delete(job.id);
    const final = status !== 'queued';
    const result = await this.jobs.update({ id: job.id, status: 'running', attempts: job.attempts }, { status, ...patch, updatedAt: new Date(), ...(final ? { finishedAt: new Date() } : {}) });
    if (!result.affected) return false;
    Object.assign(job, { status, ...patch });
    this.bus.publish(status === 'queued' ? 'ml.batch.requeued' : `ml.batch.${status}`, batchEventData(job, patch.error ? { error: patch.error, errorKind: patch.errorKind } : {}), job.id);
    return true;
  }

  async statusOf(id: string): Promise<BatchStatus | null> {
    return (await this.jobs.findOne({ where: { id }, select: { id: true, status: true } }))?.status ?? null;
  }
}
