import { RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppExceptionFilter } from '../errors/app-exception.filter';
import { createValidationPipe } from '../errors/validation';
import { HttpDrain } from '../shutdown/http-drain';
import { setupSwagger } from './swagger';

/** Global behaviour of the HTTP app: logger, /api prefix, drain gate, validation, error bodies, Swagger. */
export function configureHttpApp(app: NestExpressApplication, extraApiPaths: OpenAPIObject['paths'] = {}): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable('x-powered-by');
  // API responses are not cached by clients; hashing every body for an ETag is wasted work
  app.set('etag', false);
  app.useBodyParser('json', { limit: '10mb' });
  app.setGlobalPrefix('api', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.use(app.get(HttpDrain).middleware);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AppExceptionFilter());
  setupSwagger(app, extraApiPaths);
}
