import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';

/** BATCH_MAX_QUEUED_JOBS jobs are waiting already; the caller retries after Retry-After seconds. */
export class BatchQueueFullError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'BATCH_QUEUE_FULL';

  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`${limit} batch prediction jobs are already waiting (BATCH_MAX_QUEUED_JOBS); retry in ${retryAfterSeconds} s or cancel queued jobs`, { limit, retryAfterSeconds });
  }
}

/** The input or a row of it cannot be predicted: the job fails at once, it is never retried. */
export class BatchDataError extends Error {}
