import type { OpenAPIObject } from '@nestjs/swagger';
import type { ErrorResponseDto } from '../errors/error-response.dto';

const REQUEST_ID = '5b2c3f0e-8a4d-4d7e-9a55-0b8f2f3f7d11';

type Example = Omit<ErrorResponseDto, 'requestId'>;

/** One typical body per status, with the code the exception filter really sends for it. */
const BY_STATUS: Record<number, Example> = {
  400: { statusCode: 400, code: 'VALIDATION_FAILED', message: 'name: name must match /^[a-z0-9][a-z0-9_-]*$/', details: [{ field: 'name', reason: 'name must match /^[a-z0-9][a-z0-9_-]*$/' }] },
  401: { statusCode: 401, code: 'UNAUTHENTICATED', message: 'An API key is required: send Authorization: Bearer <key> or X-API-Key: <key> (create one with npm run keys:create)' },
  403: { statusCode: 403, code: 'INSUFFICIENT_SCOPE', message: 'This route needs the "admin" scope; the key "ci-reader" has read' },
  404: { statusCode: 404, code: 'NOT_FOUND', message: 'Not found' },
  409: { statusCode: 409, code: 'CONFLICT', message: 'The resource is in a state that does not allow this change' },
  413: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request entity too large' },
  415: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send Content-Type: application/json' },
  429: { statusCode: 429, code: 'RATE_LIMITED', message: 'Too many requests for this API key; retry in 12 s', details: { retryAfterSeconds: 12 } },
  500: { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Unexpected error; the log line with this requestId has the cause' },
  502: { statusCode: 502, code: 'UPSTREAM_ERROR', message: 'Server "everything" answered with an error: MCP error -32603: Internal error' },
  503: { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'Redis is unreachable', details: { dependency: 'redis', hint: 'start Redis or fix REDIS_URL' } },
  504: { statusCode: 504, code: 'UPSTREAM_TIMEOUT', message: 'Server "everything" did not answer tools/call within 60000 ms' },
};

/** 404 and 409 codes depend on what the route is about: the first matching path prefix wins. */
const BY_PREFIX: Array<{ prefix: string; notFound: Example; conflict?: Example }> = [
  { prefix: '/api/servers', notFound: { statusCode: 404, code: 'SERVER_NOT_FOUND', message: 'MCP server "weather" was not found', details: { kind: 'MCP server', id: 'weather' } }, conflict: { statusCode: 409, code: 'SERVER_EXISTS', message: 'Server "weather" already exists; PATCH /api/servers/weather changes it', details: { name: 'weather' } } },
  { prefix: '/api/tools', notFound: { statusCode: 404, code: 'TOOL_NOT_FOUND', message: 'tool "everything/echoo" was not found', details: { kind: 'tool', id: 'everything/echoo' } } },
  { prefix: '/api/prompts', notFound: { statusCode: 404, code: 'PROMPT_NOT_FOUND', message: 'prompt "everything/simple" was not found', details: { kind: 'prompt', id: 'everything/simple' } } },
  { prefix: '/api/resources', notFound: { statusCode: 404, code: 'RESOURCE_NOT_FOUND', message: 'resource "file:///notes.txt" was not found', details: { kind: 'resource', id: 'file:///notes.txt' } } },
  { prefix: '/api/keys', notFound: { statusCode: 404, code: 'API_KEY_NOT_FOUND', message: 'API key "0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f" was not found', details: { kind: 'API key', id: '0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f' } } },
  { prefix: '/api/ml/datasets', notFound: { statusCode: 404, code: 'DATASET_NOT_FOUND', message: 'dataset "iris" was not found', details: { kind: 'dataset', id: 'iris' } }, conflict: { statusCode: 409, code: 'DATASET_NAME_TAKEN', message: 'A dataset named "iris" already exists; choose another name', details: { name: 'iris' } } },
  { prefix: '/api/ml/training-jobs', notFound: { statusCode: 404, code: 'TRAINING_JOB_NOT_FOUND', message: 'training job "0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f" was not found', details: { kind: 'training job', id: '0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f' } }, conflict: { statusCode: 409, code: 'JOB_FINISHED', message: 'Training job 0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f already succeeded; only queued or running jobs can be cancelled', details: { status: 'succeeded' } } },
  { prefix: '/api/ml/experiments', notFound: { statusCode: 404, code: 'EXPERIMENT_NOT_FOUND', message: 'experiment "iris-baseline" was not found', details: { kind: 'experiment', id: 'iris-baseline' } }, conflict: { statusCode: 409, code: 'EXPERIMENT_EXISTS', message: 'An experiment named "iris-baseline" already exists', details: { name: 'iris-baseline' } } },
  { prefix: '/api/ml/runs', notFound: { statusCode: 404, code: 'RUN_NOT_FOUND', message: 'run "0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f" was not found', details: { kind: 'run', id: '0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f' } }, conflict: { statusCode: 409, code: 'PARAM_ALREADY_SET', message: 'Params are write-once; already set: seed=42', details: { params: { seed: '42' } } } },
  { prefix: '/api/ml/models', notFound: { statusCode: 404, code: 'MODEL_NOT_FOUND', message: 'model "iris-classifier" was not found', details: { kind: 'model', id: 'iris-classifier' } } },
];

const JSON_TYPE = 'application/json';
const ERROR_SCHEMA_REF = '#/components/schemas/ErrorResponseDto';

/** The example body shown for an error response of `status` on `path`. */
export function errorExample(status: number, path: string): ErrorResponseDto {
  const route = BY_PREFIX.find((entry) => path === entry.prefix || path.startsWith(`${entry.prefix}/`));
  const specific = status === 404 ? route?.notFound : status === 409 ? route?.conflict : undefined;
  const example = specific ?? BY_STATUS[status] ?? { statusCode: status, code: `HTTP_${status}`, message: `HTTP ${status}` };
  return { ...example, requestId: REQUEST_ID };
}

/**
 * Gives each documented 4xx/5xx response that uses ErrorResponseDto an example of its own status,
 * so Swagger UI does not show the schema's single example under every error.
 */
export function addErrorExamples(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item)) {
      const responses = (operation as { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string }; example?: unknown }> }> }).responses;
      for (const [status, response] of Object.entries(responses ?? {})) {
        const media = response.content?.[JSON_TYPE];
        if (Number(status) < 400 || media?.schema?.$ref !== ERROR_SCHEMA_REF || media.example !== undefined) continue;
        media.example = errorExample(Number(status), path);
      }
    }
  }
}
