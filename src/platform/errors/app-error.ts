import { HttpStatus } from '@nestjs/common';

/**
 * Base of every domain error. `code` is stable and machine-readable; the exception filter
 * maps `status` to the HTTP response. Services throw these; controllers never build error bodies.
 */
export abstract class AppError extends Error {
  abstract readonly status: HttpStatus;
  abstract readonly code: string;

  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  field: string;
  reason: string;
}

export class ValidationFailedError extends AppError {
  readonly status = HttpStatus.BAD_REQUEST;
  readonly code = 'VALIDATION_FAILED';

  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.reason}`).join('; '), problems);
  }
}

export class NotFoundError extends AppError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code: string;

  constructor(kind: string, id: string, code = `${kind.toUpperCase().replace(/\W+/g, '_')}_NOT_FOUND`) {
    super(`${kind} "${id}" was not found`, { kind, id });
    this.code = code;
  }
}

export class ConflictError extends AppError {
  readonly status = HttpStatus.CONFLICT;

  constructor(
    readonly code: string,
    message: string,
    details?: unknown,
  ) {
    super(message, details);
  }
}

/** A dependency the request needs is missing or unreachable; the message names it and what to do. */
export class DependencyUnavailableError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'DEPENDENCY_UNAVAILABLE';

  constructor(
    readonly dependency: string,
    message: string,
    readonly hint?: string,
    /** Sent as Retry-After when the dependency is expected back on its own. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, { dependency, hint });
  }
}

export class ShuttingDownError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'SHUTTING_DOWN';

  constructor() {
    super('The hub is shutting down and accepts no new requests; retry against another instance');
  }
}
