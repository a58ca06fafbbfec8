import { HttpStatus } from '@nestjs/common';
import { AppError } from '../errors/app-error';

export class UnauthenticatedError extends AppError {
  readonly status = HttpStatus.UNAUTHORIZED;
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'An API key is required: send Authorization: Bearer <key> or X-API-Key: <key> (create one with npm run keys:create)') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly status = HttpStatus.FORBIDDEN;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class RateLimitedError extends AppError {
  readonly status = HttpStatus.TOO_MANY_REQUESTS;
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many requests for this API key; retry in ${retryAfterSeconds} s`,
  ) {
    super(message, { retryAfterSeconds });
  }
}
