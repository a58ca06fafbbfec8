export const TRAINING_QUEUE = 'training';

/** What BullMQ carries: the id of the training_jobs row, which holds everything else. */
export interface TrainingJobData {
  jobId: string;
}

/** bullmq key prefix under the hub's Redis prefix, so several hubs (and test runs) share a Redis. */
export const bullPrefix = (redisKeyPrefix: string) => `${redisKeyPrefix}bull`;
