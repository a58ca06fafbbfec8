export const TRAINING_QUEUE = 'training';

/** What BullMQ carries: the id of the training_jobs row, which holds everything else. */
export interface TrainingJobData {
  jobId: string;
}
