import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { HUB_VERSION } from '../version';

/** Swagger UI at /api-docs, the OpenAPI JSON at /api-docs-json; `extraPaths` documents routes served outside Nest's routing. */
export function setupSwagger(app: INestApplication, extraPaths: OpenAPIObject['paths'] = {}): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MCP Hub')
      .setDescription(
        'One service in front of many MCP servers, an ML pipeline and telemetry. ' +
          'Errors share one body: `{statusCode, code, message, details?, requestId}`; send `X-Request-Id` to choose the request id.',
      )
      .setVersion(HUB_VERSION)
      .build(),
    { extraModels: [ErrorResponseDto] },
  );
  Object.assign(document.paths, extraPaths);
  SwaggerModule.setup('api-docs', app, document, { jsonDocumentUrl: 'api-docs-json', customSiteTitle: 'MCP Hub API' });
}
