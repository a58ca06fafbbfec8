import { RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppExceptionFilter } from '../errors/app-exception.filter';
import { createValidationPipe } from '../errors/validation';
import { HttpDrain } from '../shutdown/http-drain';
import { RequestOriginMiddleware } from '../auth/request-origin.middleware';
import { consoleStatic } from '../../console/console-static';
import { setupSwagger } from './swagger';
import { jsonNestsDeeperThan, tooDeepJsonError } from './json-depth';
import { StorableTextPipe } from './storable-text.pipe';

/** Largest request body, in bytes (10 MiB), on REST and /mcp alike. */
export const BODY_LIMIT = 10 * 1024 * 1024;

/** body-parser's verify hook: a 400 before the body is parsed and walked by validation. */
function refuseDeepJson(_req: unknown, _res: unknown, body: Buffer): void {
  if (jsonNestsDeeperThan(body)) throw tooDeepJsonError();
}

/** Global behaviour of the HTTP app: logger, /api prefix, drain gate, web console, validation, error bodies, Swagger. */
export function configureHttpApp(app: NestExpressApplication, extraApiPaths: OpenAPIObject['paths'] = {}): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable('x-powered-by');
  // API responses are not cached by clients; hashing every body for an ETag is wasted work
  app.set('etag', false);
  app.use(app.get(HttpDrain).middleware);
  app.use(app.get(RequestOriginMiddleware).middleware);
  // the web console: after the Host/Origin check, before anything reads a body
  app.use(consoleStatic());
  app.useBodyParser('json', { limit: BODY_LIMIT, verify: refuseDeepJson });
  app.setGlobalPrefix('api', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useGlobalPipes(new StorableTextPipe(), createValidationPipe());
  app.useGlobalFilters(new AppExceptionFilter());
  setupSwagger(app, extraApiPaths);
}
