import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';

/** No ref was given and the model has no version in Production. */
export class NoProductionVersionError extends AppError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code = 'NO_PRODUCTION_VERSION';

  constructor(model: string) {
    super(`Model "${model}" has no version in Production; promote one (POST /api/ml/models/${model}/versions/{version}/stage {"stage": "Production"}) or pass ?ref= a version number, alias, stage or latest`, { model });
  }
}

/** The version exists but the hub cannot serve its file (a model trained elsewhere, format unknown). */
export class ModelNotServableError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'MODEL_NOT_SERVABLE';

  constructor(model: string, version: number, reason: string) {
    super(`Version ${version} of "${model}" cannot be served: ${reason}`, { model, version });
  }
}

/** The model file read from the artifact store does not match the registry's SHA-256. */
export class ModelIntegrityError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'MODEL_INTEGRITY';

  constructor(model: string, version: number, message: string) {
    super(`Version ${version} of "${model}" was not loaded: ${message}`, { model, version });
  }
}

/** Every Python worker is busy and the queue is full: retry shortly. */
export class ServingBusyError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'SERVING_BUSY';
  readonly retryAfterSeconds = 1;

  constructor(queued: number) {
    super(`${queued} predictions are waiting for a Python worker (SERVING_QUEUE_MAX); retry after 1 s`, { queued });
  }
}

/** A prediction was not answered in time, or its worker died twice. */
export class PredictionUnavailableError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code: string;
  readonly retryAfterSeconds = 1;

  constructor(code: 'PREDICTION_TIMEOUT' | 'SERVING_WORKER_FAILED' | 'SERVING_STOPPED', message: string) {
    super(message);
    this.code = code;
  }
}

/** The model ran and refused the rows (a value its preprocessing could not take). */
export class PredictionFailedError extends AppError {
  readonly status = HttpStatus.UNPROCESSABLE_ENTITY;
  readonly code = 'PREDICTION_FAILED';

  constructor(model: string, version: number, message: string) {
    super(`Version ${version} of "${model}" could not predict these rows: ${message}`, { model, version });
  }
}
