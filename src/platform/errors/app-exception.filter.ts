import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { AppError } from './app-error';
import { ErrorResponseDto } from './error-response.dto';
import { requestIdOf } from '../logging/logging.module';

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Writes an error body on a plain Node response (for routes served outside Nest). */
export function writeErrorResponse(res: ServerResponse, body: ErrorResponseDto): void {
  res.writeHead(body.statusCode, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** Codes for the errors body-parser and raw-body raise while reading a request body (http-errors with a `type`). */
const BODY_ERROR_CODES: Record<string, string> = {
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'entity.parse.failed': 'INVALID_JSON',
  'entity.verify.failed': 'INVALID_BODY',
  'encoding.unsupported': 'UNSUPPORTED_CONTENT_ENCODING',
  'charset.unsupported': 'UNSUPPORTED_CHARSET',
  'request.aborted': 'REQUEST_ABORTED',
  'request.size.invalid': 'BAD_CONTENT_LENGTH',
  'stream.encoding.set': 'BAD_REQUEST',
  'parameters.too.many': 'BAD_REQUEST',
};

/** A client error raised while reading the body: it carries its own 4xx status and a message safe to show. */
function bodyReadError(exception: unknown): { status: number; type?: string; message: string } | undefined {
  if (!(exception instanceof Error) || exception instanceof HttpException) return undefined;
  const { status, expose, type } = exception as Error & { status?: unknown; expose?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || expose !== true) return undefined;
  return { status, type: typeof type === 'string' ? type : undefined, message: exception.message };
}

/** Maps any thrown value to `{statusCode, code, message, details?, requestId}`. */
export function toErrorResponse(exception: unknown, requestId: string): ErrorResponseDto {
  const bodyError = bodyReadError(exception);
  if (bodyError) {
    const code = (bodyError.type && BODY_ERROR_CODES[bodyError.type]) || HTTP_CODES[bodyError.status] || `HTTP_${bodyError.status}`;
    return { statusCode: bodyError.status, code, message: bodyError.message, requestId };
  }
  if (exception instanceof AppError) {
    return { statusCode: exception.status, code: exception.code, message: exception.message, details: exception.details, requestId };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
    return { statusCode, code: HTTP_CODES[statusCode] ?? `HTTP_${statusCode}`, message, requestId };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'INTERNAL_ERROR',
    message: 'Unexpected error; the log line with this requestId has the cause',
    requestId,
  };
}

@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    // errors raised before the request logger ran (e.g. a malformed JSON body) still get an id
    const body = toErrorResponse(exception, String(request.id ?? requestIdOf(request, response)));
    if (body.statusCode >= 500 && !(exception instanceof AppError)) {
      this.logger.error({ err: exception, requestId: body.requestId }, `Unhandled error on ${request.method} ${request.url}`);
    }
    if (response.headersSent) return;
    const retryAfter = exception instanceof AppError ? (exception as { retryAfterSeconds?: unknown }).retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    response.status(body.statusCode).json(this.render(body));
  }

  /** The body as sent; a controller speaking another API's dialect may add that dialect's fields. */
  protected render(body: ErrorResponseDto): object {
    return body;
  }
}
