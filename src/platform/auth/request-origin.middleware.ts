import { Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../config/app-config';
import { writeErrorResponse } from '../errors/app-exception.filter';
import { requestIdOf } from '../logging/logging.module';
import { originPolicyProblem } from './origin-policy';
import { isJsonContentType } from '../http/content-type';

/**
 * Health probes are reached by whatever name an orchestrator uses: only their Origin is checked. The
 * health body in another product's format (`?format=`) lists servers, so it keeps the Host rule.
 */
const PROBE_PATH = /^\/api\/health(\/|\?|$)/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;
/** The routes that take a file upload: datasets, and files of a run (models trained elsewhere). */
const UPLOAD_PATH = /^\/api\/ml\/(datasets|runs\/[0-9a-fA-F-]{36}\/artifacts)\/?(\?|$)/;

/**
 * DNS-rebinding and CSRF protection for every route Express serves (the MCP endpoints apply the same
 * origin policy in McpIngress). A foreign Origin or Host gets 403; a state-changing request with a
 * body must be JSON (or multipart where a route takes an upload), since only those cannot be sent
 * cross-site by a plain HTML form without the Origin check seeing them.
 */
@Injectable()
export class RequestOriginMiddleware {
  private readonly logger = new Logger('RequestOrigin');

  constructor(private readonly config: AppConfig) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const refusal = requestRefusal(this.config, req.method, req.originalUrl ?? req.url, req.headers);
    if (!refusal) return next();
    this.logger.warn(`${req.method} ${req.originalUrl} refused (${refusal.statusCode}): ${refusal.message}`);
    writeErrorResponse(res, { ...refusal, requestId: requestIdOf(req, res) });
  };
}

/** Whether the query names a `format` (decoded as Express decodes it, so `%66ormat` counts too). */
function asksOtherFormat(url: string): boolean {
  const queryAt = url.indexOf('?');
  return queryAt >= 0 && new URLSearchParams(url.slice(queryAt + 1)).has('format');
}

/** Why the REST app refuses a request before reading it (403 foreign Origin/Host, 415 body type), or undefined. */
export function requestRefusal(config: AppConfig, method: string | undefined, url: string, headers: IncomingHttpHeaders): { statusCode: number; code: string; message: string } | undefined {
  const problem = originPolicyProblem(config, headers.origin, headers.host, { checkHost: !PROBE_PATH.test(url) || asksOtherFormat(url) });
  if (problem) return { statusCode: 403, code: 'FORBIDDEN_ORIGIN', message: `Forbidden: ${problem}` };
  const typeProblem = SAFE_METHODS.has(method ?? '') ? undefined : bodyTypeProblem(headers, UPLOAD_PATH.test(url));
  if (typeProblem) return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: typeProblem };
  return undefined;
}

/** Why a state-changing request with these headers is refused for its body type, or undefined. */
function bodyTypeProblem(headers: IncomingHttpHeaders, uploadRoute: boolean): string | undefined {
  const type = headers['content-type'];
  const length = headers['content-length'];
  const hasBody = headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (type === undefined) return hasBody ? 'A request body needs Content-Type: application/json' : undefined;
  if (isJsonContentType(type) || (uploadRoute && MULTIPART_TYPE.test(type))) return undefined;
  return `Content-Type ${type.slice(0, 100)} is not accepted here; send application/json${uploadRoute ? ' or multipart/form-data' : ''}`;
}
