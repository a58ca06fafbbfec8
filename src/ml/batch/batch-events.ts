import { progressOf } from './batch-chunks';
import { BatchPrediction } from './batch-prediction.entity';

/** The data of every ml.batch.* event: enough to follow a job without reading the database. */
export function batchEventData(job: BatchPrediction, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobId: job.id,
    model: job.model,
    version: job.version,
    status: job.status,
    rowsDone: job.rowsDone,
    rowsTotal: job.rowsTotal,
    progress: progressOf(job.rowsDone, job.rowsTotal),
    ...(job.attempts ? { attempt: job.attempts } : {}),
    ...extra,
  };
}
