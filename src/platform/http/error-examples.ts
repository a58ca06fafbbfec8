import type { OpenAPIObject } from '@nestjs/swagger';
import type { ErrorResponseDto } from '../errors/error-response.dto';

const REQUEST_ID = '5b2c3f0e-8a4d-4d7e-9a55-0b8f2f3f7d11';
const UUID = '0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f';

type Example = Omit<ErrorResponseDto, 'requestId'>;

const notFound = (code: string, kind: string, id: string): Example => ({ statusCode: 404, code, message: `${kind} "${id}" was not found`, details: { kind, id } });
const conflict = (code: string, message: string, details?: unknown): Example => ({ statusCode: 409, code, message, ...(details === undefined ? {} : { details }) });
const upstreamUnavailable: Example = {
  statusCode: 503,
  code: 'UPSTREAM_UNAVAILABLE',
  message: 'MCP server "everything" is connecting: not connected yet',
  details: { server: 'everything', state: 'connecting', reason: 'not connected yet', retryAfterSeconds: 2 },
};

/** One typical body per status, with the code the exception filter really sends for it. */
const BY_STATUS: Record<number, Example> = {
  400: { statusCode: 400, code: 'VALIDATION_FAILED', message: 'name: name must match /^[a-z0-9][a-z0-9_-]*$/', details: [{ field: 'name', reason: 'name must match /^[a-z0-9][a-z0-9_-]*$/' }] },
  401: { statusCode: 401, code: 'UNAUTHENTICATED', message: 'An API key is required: send Authorization: Bearer <key> or X-API-Key: <key> (create one with npm run keys:create)' },
  403: { statusCode: 403, code: 'INSUFFICIENT_SCOPE', message: 'This route needs the "admin" scope; the key "ci-reader" has read' },
  404: { statusCode: 404, code: 'NOT_FOUND', message: 'Cannot GET /api/nothing-here' },
  409: conflict('CONFLICT', 'The resource is in a state that does not allow this change'),
  413: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request entity too large' },
  415: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send Content-Type: application/json' },
  429: { statusCode: 429, code: 'RATE_LIMITED', message: 'Too many requests for this API key; retry in 12 s', details: { retryAfterSeconds: 12 } },
  500: { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Unexpected error; the log line with this requestId has the cause' },
  502: { statusCode: 502, code: 'UPSTREAM_ERROR', message: 'MCP server "everything" answered with an error: Internal error', details: { server: 'everything', upstreamMessage: 'Internal error', upstreamCode: -32603 } },
  503: { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'Redis is unreachable', details: { dependency: 'redis', hint: 'start Redis or fix REDIS_URL' } },
  504: { statusCode: 504, code: 'UPSTREAM_TIMEOUT', message: 'MCP server "everything" did not answer within 60000 ms', details: { server: 'everything', timeoutMs: 60000 } },
};

/**
 * Codes that depend on what the route is about. The first entry whose prefix (and methods, when
 * given) matches and that has an example for the status wins; BY_STATUS otherwise.
 */
const BY_ROUTE: Array<{ prefix: string; methods?: string[]; examples: Partial<Record<number, Example>> }> = [
  { prefix: '/api/servers', methods: ['patch', 'delete'], examples: { 409: conflict('SERVER_DEFINED_IN_FILE', 'Server "weather" comes from the config file and can only be changed there', { name: 'weather' }) } },
  {
    prefix: '/api/servers',
    examples: {
      404: notFound('SERVER_NOT_FOUND', 'MCP server', 'weather'),
      409: conflict('SERVER_EXISTS', 'Server "weather" already exists; PATCH /api/servers/weather changes it', { name: 'weather' }),
      403: {
        statusCode: 403,
        code: 'STDIO_SERVERS_OVER_REST_DISABLED',
        message: 'Adding a stdio server (a command the hub runs) over REST is off while AUTH_MODE=none: put it in the servers config file, set AUTH_MODE=api-key and use an admin key, or set ALLOW_REST_STDIO_SERVERS=true if only trusted users can reach the hub',
      },
    },
  },
  { prefix: '/api/tools', examples: { 404: notFound('TOOL_NOT_FOUND', 'tool', 'everything/echoo'), 503: upstreamUnavailable } },
  { prefix: '/api/prompts', examples: { 404: notFound('PROMPT_NOT_FOUND', 'prompt', 'everything/simple_prompt'), 503: upstreamUnavailable } },
  { prefix: '/api/resources', examples: { 404: notFound('RESOURCE_NOT_FOUND', 'resource', 'file:///notes.txt'), 503: upstreamUnavailable } },
  { prefix: '/api/keys', examples: { 404: notFound('API_KEY_NOT_FOUND', 'API key', UUID) } },
  { prefix: '/api/telemetry', examples: { 503: { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'The events were not accepted: Redis is unreachable (Connection is closed.)', details: { dependency: 'redis', hint: 'start Redis or fix REDIS_URL' } } } },
  {
    prefix: '/api/ml/datasets',
    examples: {
      404: notFound('DATASET_NOT_FOUND', 'dataset', 'iris'),
      409: conflict('DATASET_NAME_TAKEN', 'A dataset named "iris" already exists; choose another name', { name: 'iris' }),
      503: { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'Dataset s3://lake/iris.csv needs object storage, which is not configured', details: { dependency: 's3', hint: 'set S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY' } },
    },
  },
  {
    prefix: '/api/ml/training-jobs',
    examples: {
      404: notFound('TRAINING_JOB_NOT_FOUND', 'training job', UUID),
      409: conflict('JOB_FINISHED', `Training job ${UUID} already succeeded; only queued or running jobs can be cancelled`, { status: 'succeeded' }),
      503: {
        statusCode: 503,
        code: 'ADAPTER_UNAVAILABLE',
        message: 'The torch adapter cannot run here: missing torch; install them for python3 (Python 3.11.2): apt-get install python3-torch (Debian/Ubuntu), or pip install torch',
        details: { adapter: 'torch', missing: ['torch'], hint: 'install them for python3 (Python 3.11.2): apt-get install python3-torch (Debian/Ubuntu), or pip install torch' },
      },
    },
  },
  {
    prefix: '/api/ml/batch-predictions/{id}/output',
    examples: { 404: notFound('BATCH_PREDICTION_NOT_FOUND', 'batch prediction', UUID), 409: conflict('BATCH_NOT_SUCCEEDED', `Batch prediction ${UUID} is running; its output can be downloaded once it succeeded`, { status: 'running', rowsDone: 250000 }) },
  },
  { prefix: '/api/ml/batch-predictions/{id}', examples: { 404: notFound('BATCH_PREDICTION_NOT_FOUND', 'batch prediction', UUID), 409: conflict('BATCH_FINISHED', `Batch prediction ${UUID} already succeeded; only queued or running jobs can be cancelled`, { status: 'succeeded' }) } },
  {
    prefix: '/api/ml/batch-predictions',
    methods: ['post'],
    examples: {
      404: notFound('MODEL_NOT_FOUND', 'model', 'iris-classifier'),
      503: { statusCode: 503, code: 'BATCH_QUEUE_FULL', message: '100 batch prediction jobs are already waiting (BATCH_MAX_QUEUED_JOBS); retry in 30 s or cancel queued jobs', details: { limit: 100, retryAfterSeconds: 30 } },
    },
  },
  { prefix: '/api/ml/experiments', examples: { 404: notFound('EXPERIMENT_NOT_FOUND', 'experiment', 'iris-baseline'), 409: conflict('EXPERIMENT_EXISTS', 'An experiment named "iris-baseline" already exists', { name: 'iris-baseline' }) } },
  { prefix: '/api/ml/runs', examples: { 404: notFound('RUN_NOT_FOUND', 'run', UUID), 409: conflict('PARAM_ALREADY_SET', 'Params are write-once; already set: seed=42', { params: { seed: '42' } }) } },
  ...(['assignments', 'predict'] as const).map((route) => ({
    prefix: `/api/ml/ab-tests/{name}/${route}`,
    examples: {
      404: notFound('AB_TEST_NOT_FOUND', 'A/B test', 'iris-rf-vs-knn'),
      409: conflict('AB_TEST_STOPPED', 'A/B test "iris-rf-vs-knn" is stopped: it assigns no new units, and unit "user-48213" was never assigned; predict with POST /api/ml/models/iris-classifier/predict', { name: 'iris-rf-vs-knn', unitId: 'user-48213' }),
    },
  })),
  {
    prefix: '/api/ml/ab-tests/{name}/outcomes',
    examples: {
      404: notFound('AB_TEST_NOT_FOUND', 'A/B test', 'iris-rf-vs-knn'),
      409: conflict('UNIT_NOT_ASSIGNED', 'Unit "user-48213" has no variant in A/B test "iris-rf-vs-knn": an outcome counts only for a unit served through the test (POST /api/ml/ab-tests/iris-rf-vs-knn/predict or /assignments first)', { name: 'iris-rf-vs-knn', unitId: 'user-48213' }),
    },
  },
  ...(['stop', 'conclude'] as const).map((route) => ({
    prefix: `/api/ml/ab-tests/{name}/${route}`,
    examples: {
      404: notFound('AB_TEST_NOT_FOUND', 'A/B test', 'iris-rf-vs-knn'),
      409: conflict('AB_TEST_CONCLUDED', 'A/B test "iris-rf-vs-knn" is concluded (winner: treatment, version 4 of "iris-classifier"); predict with POST /api/ml/models/iris-classifier/predict', { name: 'iris-rf-vs-knn', winner: 'treatment' }),
    },
  })),
  {
    prefix: '/api/ml/ab-tests',
    methods: ['post'],
    examples: { 404: notFound('MODEL_NOT_FOUND', 'model', 'iris-classifier'), 409: conflict('AB_TEST_EXISTS', 'An A/B test named "iris-rf-vs-knn" already exists; choose another name', { name: 'iris-rf-vs-knn' }) },
  },
  { prefix: '/api/ml/ab-tests', examples: { 404: notFound('AB_TEST_NOT_FOUND', 'A/B test', 'iris-rf-vs-knn') } },
  ...['/api/ml/models/{name}/predict', '/api/ml/models/{name}/invocations'].map((prefix) => ({
    prefix,
    examples: {
      400: { statusCode: 400, code: 'VALIDATION_FAILED', message: 'instances[3].region: unknown category "west": the model knows "east", "north", "south"', details: [{ field: 'instances[3].region', reason: 'unknown category "west": the model knows "east", "north", "south"' }] },
      404: {
        statusCode: 404,
        code: 'NO_PRODUCTION_VERSION',
        message: 'Model "iris-classifier" has no version in Production; promote one (POST /api/ml/models/iris-classifier/versions/{version}/stage {"stage": "Production"}) or pass ?ref= a version number, alias, stage or latest',
        details: { model: 'iris-classifier' },
      },
      409: conflict('MODEL_NOT_SERVABLE', 'Version 2 of "churn" cannot be served: it was registered from model.pkl, uploaded to a run: its input columns are unknown, and loading a pickled or torch file from outside would run its code', { model: 'churn', version: 2 }),
      503: {
        statusCode: 503,
        code: 'ADAPTER_UNAVAILABLE',
        message: 'The sklearn adapter cannot run here: missing sklearn; install them for /usr/bin/python3 (Python 3.11.2): apt-get install python3-sklearn (Debian/Ubuntu), or pip install scikit-learn; or point PYTHON_BIN at an interpreter that has them',
        details: { adapter: 'sklearn', missing: ['sklearn'], hint: 'install them for /usr/bin/python3 (Python 3.11.2): apt-get install python3-sklearn (Debian/Ubuntu), or pip install scikit-learn' },
      },
    },
  })),
  { prefix: '/api/ml/models/{name}/versions/{version}/stage', examples: { 409: conflict('INVALID_STAGE_TRANSITION', 'Version 3 of "iris-classifier" cannot move to None: Production → None is not a valid transition; from Production a version can go to Staging, Archived', { from: 'Production', to: 'None' }) } },
  { prefix: '/api/ml/models/{name}/aliases', examples: { 409: conflict('ALIAS_CLASH', 'Version 2 of "iris-classifier" is Archived; an alias must point at a live version (promote it again first)', { alias: 'champion', version: 2 }) } },
  { prefix: '/api/ml/models/{name}/versions', methods: ['post'], examples: { 409: conflict('JOB_ALREADY_REGISTERED', `Training job ${UUID} is already version 3 of "iris-classifier"`, { version: 3 }) } },
  { prefix: '/api/ml/models', examples: { 404: notFound('MODEL_NOT_FOUND', 'model', 'iris-classifier'), 409: conflict('MODEL_EXISTS', 'A model named "iris-classifier" already exists', { name: 'iris-classifier' }) } },
];

const JSON_TYPE = 'application/json';
const ERROR_SCHEMA_REF = '#/components/schemas/ErrorResponseDto';

/** The example body shown for an error response of `status` on `method path`. */
export function errorExample(status: number, path: string, method = 'get'): ErrorResponseDto {
  const route = BY_ROUTE.find((entry) => (path === entry.prefix || path.startsWith(`${entry.prefix}/`)) && (!entry.methods || entry.methods.includes(method)) && entry.examples[status]);
  const example = route?.examples[status] ?? BY_STATUS[status] ?? { statusCode: status, code: `HTTP_${status}`, message: `HTTP ${status}` };
  return { ...example, requestId: REQUEST_ID };
}

type Responses = Record<string, { content?: Record<string, { schema?: { $ref?: string }; example?: unknown }> }>;

/**
 * Gives each documented 4xx/5xx response that uses ErrorResponseDto an example of its own status,
 * so Swagger UI does not show the schema's single example under every error. Class-level response
 * decorators share one object among operations, so each gets its own copy before the example is set.
 */
export function addErrorExamples(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, { responses?: Responses }>)) {
      const responses = operation.responses;
      for (const [status, response] of Object.entries(responses ?? {})) {
        const media = response.content?.[JSON_TYPE];
        if (Number(status) < 400 || media?.schema?.$ref !== ERROR_SCHEMA_REF || media.example !== undefined) continue;
        responses![status] = { ...response, content: { ...response.content, [JSON_TYPE]: { ...media, example: errorExample(Number(status), path, method) } } };
      }
    }
  }
}
