import { TrainingJob } from './training-job.entity';

/** The data of every ml.job.* event: enough to follow a job without reading the database. */
export function jobEventData(job: Pick<TrainingJob, 'id' | 'adapter' | 'algorithm' | 'task' | 'datasetId' | 'status'> & Partial<TrainingJob>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobId: job.id,
    adapter: job.adapter,
    algorithm: job.algorithm,
    task: job.task,
    datasetId: job.datasetId,
    status: job.status,
    ...(job.attempts !== undefined ? { attempt: job.attempts } : {}),
    ...extra,
  };
}
