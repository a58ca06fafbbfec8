import { RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppExceptionFilter } from '../errors/app-exception.filter';
import { createValidationPipe } from '../errors/validation';
import { HttpDrain } from '../shutdown/http-drain';
import { setupSwagger } from './swagger';
import { originPolicyMiddleware } from '../auth/origin-policy';
import { AppConfig } from '../config/app-config';

/** Global behaviour of the HTTP app: logger, /api prefix, drain gate, validation, error bodies, Swagger. */
export function configureHttpApp(app: NestExpressApplication): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable('x-powered-by');
  // API responses are not cached by clients; hashing every body for an ETag is wasted work
  app.set('etag', false);
  app.useBodyParser('json', { limit: '10mb' });
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'mcp', method: RequestMethod.ALL },
      { path: 'mcp/servers/:name', method: RequestMethod.ALL },
      { path: 'mcp/profiles/:profile', method: RequestMethod.ALL },
      { path: 'sse', method: RequestMethod.GET },
      { path: 'messages', method: RequestMethod.POST },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.use(app.get(HttpDrain).middleware);
  app.use(['/mcp', '/sse', '/messages'], originPolicyMiddleware(app.get(AppConfig)));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AppExceptionFilter());
  setupSwagger(app);
}
