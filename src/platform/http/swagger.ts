import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { PUBLIC_OPERATION_EXTENSION } from '../auth/auth.decorators';
import { HUB_VERSION } from '../version';
import { addErrorExamples } from './error-examples';

export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

/** Every tag an operation may carry, in the order Swagger UI lists them. */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  health: 'Liveness, readiness and dependency health; no API key needed',
  servers: 'Upstream MCP servers: add, change, start, stop, restart, logs (the config file wins over the API)',
  tools: 'Tools of every connected upstream server: list, describe, call',
  resources: 'Resources of every upstream server: list and read',
  prompts: 'Prompts of every upstream server: list and render',
  events: 'Live hub events as Server-Sent Events',
  profiles: 'Profiles: named subsets of servers and tools served at /mcp/profiles/{profile}',
  oauth: 'OAuth 2.1 authorization of remote upstream servers: the URL a person opens, and the callback (tokens stored encrypted, refreshed before expiry)',
  'mcp-hub compatibility': 'The routes of mcp-hub 4.2.1 that mcphub.nvim and scripts call (server_name in the body, mcp-hub\'s server objects, a timestamp in every answer), answered by the hub\'s own services',
  telemetry: 'Stored telemetry events, statistics, rollups, anomalies, ingest, and /metrics for Prometheus',
  keys: 'API keys and their scopes (admin scope)',
  ml: 'ML pipeline: adapters, datasets, training jobs, experiments and runs, model registry, pipeline health',
  mcp: 'The aggregated MCP endpoint (Streamable HTTP and legacy SSE) for MCP clients',
  debug: 'Test helpers, only when DEBUG_ROUTES_ENABLED=true',
};

const OPERATION_KEYS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Public routes (health probes) need no key; every other operation takes either scheme. */
function applySecurity(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, Record<string, unknown>>)) {
      if (!OPERATION_KEYS.has(method)) continue;
      const isPublic = operation[PUBLIC_OPERATION_EXTENSION] === true;
      delete operation[PUBLIC_OPERATION_EXTENSION];
      operation.security = isPublic ? [] : [{ [BEARER_SCHEME]: [] }, { [API_KEY_SCHEME]: [] }];
    }
  }
}

/** Lists the tags the operations use, each with its description. */
function describeTags(document: OpenAPIObject): void {
  const used = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { tags?: string[] }>)) for (const tag of operation.tags ?? []) used.add(tag);
  }
  const known = Object.keys(TAG_DESCRIPTIONS).filter((tag) => used.has(tag));
  const unknown = [...used].filter((tag) => !(tag in TAG_DESCRIPTIONS));
  document.tags = [...known, ...unknown].map((name) => (TAG_DESCRIPTIONS[name] ? { name, description: TAG_DESCRIPTIONS[name] } : { name }));
}

/** The OpenAPI document with security, per-status error examples and tag descriptions applied. */
export function buildOpenApiDocument(app: INestApplication, extraPaths: OpenAPIObject['paths'] = {}): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MCP Hub')
      .setDescription(
        'One service in front of many MCP servers, an ML pipeline and telemetry. ' +
          'With AUTH_MODE=api-key every route but the health probes and the OAuth callback needs a key: press Authorize and give it as a bearer token or as X-API-Key ' +
          '(create the first one with `npm run keys:create -- --name admin --scopes admin`). ' +
          'Errors share one body: `{statusCode, code, message, details?, requestId}`; send `X-Request-Id` to choose the request id.',
      )
      .setVersion(HUB_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key sent as Authorization: Bearer <key>' }, BEARER_SCHEME)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key sent as X-API-Key: <key>' }, API_KEY_SCHEME)
      .build(),
    { extraModels: [ErrorResponseDto] },
  );
  Object.assign(document.paths, extraPaths);
  applySecurity(document);
  addErrorExamples(document);
  describeTags(document);
  return document;
}

/**
 * Swagger UI at /api-docs, the OpenAPI JSON at /api-docs-json; `extraPaths` documents routes served outside Nest's routing.
 * The document is built on its first request, not at every start of the hub.
 */
export function setupSwagger(app: INestApplication, extraPaths: OpenAPIObject['paths'] = {}): void {
  SwaggerModule.setup('api-docs', app, () => buildOpenApiDocument(app, extraPaths), {
    jsonDocumentUrl: 'api-docs-json',
    customSiteTitle: 'MCP Hub API',
  });
}
