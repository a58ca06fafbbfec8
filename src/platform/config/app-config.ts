import { hostname } from 'node:os';
import { delimiter, resolve } from 'node:path';
import { isLoopbackHost } from '../auth/loopback';
import { EnvironmentVariables } from './env.schema';

export const DATABASE_SCHEMA = 'mcp_hub';

/** Interpreters probed, in order, when PYTHON_BIN is unset (scripts/python-stack.js uses the same list). */
export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'] as const;

export interface S3Config {
  endpoint: URL;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

/** The validated, typed configuration. Injected by its class; built only by loadConfig(). */
export class AppConfig {
  readonly env: EnvironmentVariables['NODE_ENV'];
  /** `internalUrl`: where other hub replicas reach this one (HUB_INTERNAL_URL or its default). */
  readonly http: { host: string; port: number; internalUrl: string };
  readonly log: { level: EnvironmentVariables['LOG_LEVEL']; pretty: boolean };
  /**
   * `url` is DATABASE_URL, or DATABASE_PROBE_URL while that is unset (`urlSet` false); boot replaces it
   * with the embedded server's URL when it starts one (withServiceUrls).
   */
  readonly database: {
    url: string;
    urlSet: boolean;
    schema: string;
    poolMax: number;
    migrationsRun: boolean;
    createIfMissing: boolean;
  };
  /** `url` is REDIS_URL, or REDIS_PROBE_URL while that is unset (`urlSet` false); like `database`. */
  readonly redis: { url: string; urlSet: boolean; keyPrefix: string };
  readonly embedded: { mode: EnvironmentVariables['EMBEDDED_SERVICES']; dataDir: string };
  readonly mongo?: { uri: string };
  readonly qdrant?: { url: string; apiKey?: string };
  readonly s3?: S3Config;
  readonly artifacts: { dir: string };
  /** `bin` is PYTHON_BIN when set; `candidates` are the interpreters to probe, in order (PYTHON_BIN alone when set). */
  readonly python: { bin?: string; candidates: string[] };
  readonly datasets: { dir: string; maxUploadBytes: number };
  readonly features: { sourceSchemas: string[] };
  readonly training: {
    workerEnabled: boolean;
    concurrency: number;
    jobTimeoutMs: number;
    attempts: number;
    backoffMs: number;
    stalledIntervalMs: number;
    shutdownGraceMs: number;
  };
  readonly batch: { workerEnabled: boolean; concurrency: number; maxQueuedJobs: number; chunkRows: number; stalledIntervalMs: number };
  readonly serving: {
    pythonWorkers: number;
    modelCacheSize: number;
    batchWaitMs: number;
    batchMaxRows: number;
    queueMax: number;
    requestTimeoutMs: number;
    maxRows: number;
    cacheDir: string;
    sampleRate: number;
    sampleMaxRows: number;
  };
  readonly startup: { timeoutMs: number };
  readonly shutdown: { drainTimeoutMs: number; phaseTimeoutMs: number };
  readonly mcp: {
    /** One or more files; a server in a later one replaces the earlier one of that name. */
    serversConfigPaths: string[];
    watchConfig: boolean;
    allowCmdPlaceholders: boolean;
    /** MCP_HUB_ENV: values of `${input:X}`. */
    inputs: Record<string, string>;
    workspace: string;
    autoShutdownMs: number;
    toolSeparator: string;
    sessionIdleMs: number;
    sessionUnusedMs: number;
    maxSessions: number;
    maxSessionsPerClient: number;
    eventStoreMaxBytes: number;
    eventStoreTotalBytes: number;
    requestTimeoutMs: number;
    lazyTools: boolean;
    listPageSize: number;
    isolatedSessionsPerServer: number;
    upstreamMaxMessageBytes: number;
  };
  readonly secrets: { encryptionKey?: string };
  /** OAuth of remote upstreams: the hub's URL as a browser reaches it (the callback is under it). */
  readonly oauth: { publicUrl: string };
  readonly auth: { mode: 'none' | 'api-key'; allowInsecureBind: boolean; allowRestStdioServers: boolean; rateLimitPerMinute: number; failuresPerMinute: number };
  readonly mcpOrigins: { allowedOrigins: string[]; allowedHosts: string[] };
  readonly telemetry: { consumerEnabled: boolean; batchWindowMs: number; consumerGatherMs: number; streamMaxLen: number; claimIdleMs: number; maxDeliveries: number; retentionDays: number; rollupIntervalMs: number; partitionMaintenanceMs: number };
  readonly metrics: { maxSeries: number };
  readonly modelWebhooks: { urls: string[]; secret: string };
  /** Registered models as typed MCP tools (`model__<name>`): on or off, and the aliases that expose a model without a Production version. */
  readonly modelTools: { enabled: boolean; aliases: string[] };
  readonly embeddings?: { url: string; model: string; apiKey?: string };
  readonly debugRoutes: boolean;

  /** `terminal`: the logs go to a person (stdout is a TTY and the pretty printer is installed), not to a collector. */
  constructor(env: EnvironmentVariables, terminal = false) {
    this.env = env.NODE_ENV;
    this.http = { host: env.HOST, port: env.PORT, internalUrl: env.HUB_INTERNAL_URL ?? defaultInternalUrl(env.HOST, env.PORT) };
    this.log = { level: env.LOG_LEVEL, pretty: (env.LOG_FORMAT ?? (env.NODE_ENV === 'development' || terminal ? 'pretty' : 'json')) === 'pretty' };
    this.database = {
      url: env.DATABASE_URL ?? env.DATABASE_PROBE_URL,
      urlSet: env.DATABASE_URL !== undefined,
      schema: DATABASE_SCHEMA,
      poolMax: env.DATABASE_POOL_MAX,
      migrationsRun: env.DATABASE_MIGRATIONS_RUN,
      createIfMissing: env.DATABASE_CREATE_IF_MISSING,
    };
    this.redis = { url: env.REDIS_URL ?? env.REDIS_PROBE_URL, urlSet: env.REDIS_URL !== undefined, keyPrefix: env.REDIS_KEY_PREFIX };
    this.embedded = { mode: env.EMBEDDED_SERVICES, dataDir: env.EMBEDDED_DATA_DIR };
    if (env.MONGODB_URI) this.mongo = { uri: env.MONGODB_URI };
    if (env.QDRANT_URL) this.qdrant = { url: env.QDRANT_URL, apiKey: env.QDRANT_API_KEY };
    if (env.S3_ENDPOINT && env.S3_ACCESS_KEY && env.S3_SECRET_KEY) {
      this.s3 = {
        endpoint: new URL(env.S3_ENDPOINT),
        accessKey: env.S3_ACCESS_KEY,
        secretKey: env.S3_SECRET_KEY,
        bucket: env.S3_BUCKET,
        region: env.S3_REGION,
      };
    }
    this.artifacts = { dir: env.ARTIFACTS_DIR };
    this.python = { bin: env.PYTHON_BIN, candidates: env.PYTHON_BIN ? [env.PYTHON_BIN] : [...PYTHON_CANDIDATES] };
    this.datasets = { dir: env.DATA_DIR, maxUploadBytes: env.DATASET_MAX_UPLOAD_MB * 1024 * 1024 };
    this.features = { sourceSchemas: env.FEATURE_SOURCE_SCHEMAS.split(',') };
    this.training = {
      workerEnabled: env.TRAINING_WORKER_ENABLED,
      concurrency: env.TRAINING_CONCURRENCY,
      jobTimeoutMs: env.TRAINING_JOB_TIMEOUT_MS,
      attempts: env.TRAINING_ATTEMPTS,
      backoffMs: env.TRAINING_BACKOFF_MS,
      stalledIntervalMs: env.TRAINING_STALLED_INTERVAL_MS,
      shutdownGraceMs: env.TRAINING_SHUTDOWN_GRACE_MS,
    };
    this.batch = {
      workerEnabled: env.BATCH_WORKER_ENABLED,
      concurrency: env.BATCH_CONCURRENCY,
      maxQueuedJobs: env.BATCH_MAX_QUEUED_JOBS,
      chunkRows: env.BATCH_CHUNK_ROWS,
      stalledIntervalMs: env.BATCH_STALLED_INTERVAL_MS,
    };
    this.serving = {
      pythonWorkers: env.SERVING_PYTHON_WORKERS,
      modelCacheSize: env.SERVING_MODEL_CACHE_SIZE,
      batchWaitMs: env.SERVING_BATCH_WAIT_MS,
      batchMaxRows: env.SERVING_BATCH_MAX_ROWS,
      queueMax: env.SERVING_QUEUE_MAX,
      requestTimeoutMs: env.SERVING_REQUEST_TIMEOUT_MS,
      maxRows: env.SERVING_MAX_ROWS,
      cacheDir: env.SERVING_CACHE_DIR,
      sampleRate: env.PREDICTION_LOG_SAMPLE_RATE,
      sampleMaxRows: env.PREDICTION_LOG_MAX_ROWS,
    };
    this.startup = { timeoutMs: env.STARTUP_TIMEOUT_MS };
    this.shutdown = { drainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS, phaseTimeoutMs: env.SHUTDOWN_PHASE_TIMEOUT_MS };
    this.mcp = {
      serversConfigPaths: env.MCP_SERVERS_CONFIG.split(delimiter).map((p) => p.trim()).filter(Boolean),
      watchConfig: env.MCP_SERVERS_WATCH,
      allowCmdPlaceholders: env.MCP_HUB_ALLOW_CMD_PLACEHOLDERS,
      inputs: JSON.parse(env.MCP_HUB_ENV) as Record<string, string>,
      workspace: resolve(env.MCP_HUB_WORKSPACE),
      autoShutdownMs: env.MCP_HUB_AUTO_SHUTDOWN_MS,
      toolSeparator: env.MCP_TOOL_SEPARATOR,
      sessionIdleMs: env.MCP_SESSION_IDLE_MS,
      sessionUnusedMs: env.MCP_SESSION_UNUSED_MS,
      maxSessions: env.MCP_MAX_SESSIONS,
      maxSessionsPerClient: env.MCP_MAX_SESSIONS_PER_CLIENT,
      eventStoreMaxBytes: env.MCP_EVENT_STORE_MAX_BYTES,
      eventStoreTotalBytes: env.MCP_EVENT_STORE_TOTAL_BYTES,
      requestTimeoutMs: env.MCP_REQUEST_TIMEOUT_MS,
      lazyTools: env.MCP_LAZY_TOOLS,
      listPageSize: env.MCP_LIST_PAGE_SIZE,
      isolatedSessionsPerServer: env.MCP_ISOLATED_SESSIONS_PER_SERVER,
      upstreamMaxMessageBytes: env.MCP_UPSTREAM_MAX_MESSAGE_BYTES,
    };
    this.secrets = { encryptionKey: env.SECRETS_ENCRYPTION_KEY };
    this.oauth = { publicUrl: env.MCP_HUB_PUBLIC_URL ?? `http://localhost:${env.PORT}` };
    this.auth = { mode: env.AUTH_MODE, allowInsecureBind: env.ALLOW_INSECURE_BIND, allowRestStdioServers: env.ALLOW_REST_STDIO_SERVERS, rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE, failuresPerMinute: env.AUTH_FAILURES_PER_MINUTE };
    const list = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);
    this.mcpOrigins = { allowedOrigins: list(env.MCP_ALLOWED_ORIGINS), allowedHosts: list(env.MCP_ALLOWED_HOSTS) };
    this.telemetry = {
      consumerEnabled: env.TELEMETRY_CONSUMER_ENABLED,
      batchWindowMs: env.TELEMETRY_BATCH_WINDOW_MS,
      consumerGatherMs: env.TELEMETRY_CONSUMER_GATHER_MS,
      streamMaxLen: env.TELEMETRY_STREAM_MAXLEN,
      claimIdleMs: env.TELEMETRY_CLAIM_IDLE_MS,
      maxDeliveries: env.TELEMETRY_MAX_DELIVERIES,
      retentionDays: env.TELEMETRY_RETENTION_DAYS,
      rollupIntervalMs: env.TELEMETRY_ROLLUP_INTERVAL_MS,
      partitionMaintenanceMs: env.TELEMETRY_PARTITION_MAINTENANCE_MS,
    };
    this.metrics = { maxSeries: env.METRICS_MAX_SERIES };
    this.modelWebhooks = { urls: list(env.MODEL_WEBHOOK_URLS), secret: env.MODEL_WEBHOOK_SECRET };
    this.modelTools = { enabled: env.MCP_MODEL_TOOLS, aliases: list(env.MCP_MODEL_TOOL_ALIASES) };
    if (env.EMBEDDING_URL) this.embeddings = { url: env.EMBEDDING_URL.replace(/\/+$/, ''), model: env.EMBEDDING_MODEL, apiKey: env.EMBEDDING_API_KEY };
    this.debugRoutes = env.DEBUG_ROUTES_ENABLED;
  }

  /** The same configuration with the database and/or Redis URL of a server the hub started itself. */
  withServiceUrls(urls: { database?: string; redis?: string }): AppConfig {
    const copy = Object.create(AppConfig.prototype) as AppConfig;
    Object.assign(copy, this, {
      database: urls.database ? { ...this.database, url: urls.database } : this.database,
      redis: urls.redis ? { ...this.redis, url: urls.redis } : this.redis,
    });
    return copy;
  }
}

/** A loopback hub is reached by its replicas on the same machine; any other by this machine's name (a container's or pod's hostname). */
function defaultInternalUrl(host: string, port: number): string {
  return `http://${isLoopbackHost(host) ? '127.0.0.1' : hostname()}:${port}`;
}
