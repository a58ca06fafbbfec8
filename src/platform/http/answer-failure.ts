import type { Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../errors/app-error';
import { toErrorResponse, writeErrorResponse } from '../errors/app-exception.filter';
import { requestIdOf } from '../logging/logging.module';

/**
 * The error answer of a route served outside Nest, as AppExceptionFilter gives it: the error body
 * with its requestId and Retry-After; an unexpected error is logged with its cause, a refusal with
 * its code (unless `logRefusal` is false, for refusals that come in floods and are logged summed up).
 */
export function answerFailure(logger: Logger, req: IncomingMessage, res: ServerResponse, error: unknown, logRefusal = true): void {
  if (res.headersSent) {
    logger.error(`${req.method} ${req.url} failed after the response began: ${(error as Error).message}`);
    res.destroy();
    return;
  }
  const body = toErrorResponse(error, requestIdOf(req, res));
  if (body.statusCode >= 500 && !(error instanceof AppError)) logger.error({ err: error, requestId: body.requestId }, `${req.method} ${req.url} failed`);
  else if (logRefusal) logger.warn(`${req.method} ${req.url} refused (${body.statusCode} ${body.code}): ${body.message}`);
  const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (error instanceof AppError && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
  writeErrorResponse(res, body);
}
