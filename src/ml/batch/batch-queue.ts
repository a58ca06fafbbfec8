export const BATCH_QUEUE = 'batch-predictions';

/** What BullMQ carries: the id of the batch_predictions row, which holds everything else. */
export interface BatchJobData {
  jobId: string;
}

/** Attempts per job for infrastructure errors (a dead worker is not one: that is BullMQ's stalled-job recovery). */
export const BATCH_ATTEMPTS = 3;
export const BATCH_BACKOFF_MS = 2000;
