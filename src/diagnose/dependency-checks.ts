import { Client } from 'pg';
import { QdrantClient } from '@qdrant/js-client-rest';
import { createConnection } from 'mongoose';
import { AppConfig } from '../platform/config/app-config';
import { DEPENDENCY_HINTS } from '../platform/dependency-hints';
import { createS3Client } from '../platform/stores/s3.store';
import { redisVersionOf } from '../platform/stores/core.probes';
import { connectRedisOnce } from '../platform/redis/connect-once';
import { DiagnosticRow, timedCheck } from './diagnostic-check';
import { ServicePlan, planService } from '../platform/embedded/service-plan';
import { EMBEDDED_POSTGRES_HINT } from '../platform/embedded/embedded-postgres';
import { REDIS_SERVER_MISSING_HINT } from '../platform/embedded/embedded-redis';

async function serverVersion(client: Client): Promise<string> {
  return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
}

async function withPgClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function checkPostgres(config: AppConfig): Promise<DiagnosticRow> {
  const plan = await planService(config, 'postgres');
  const planned = plannedRow('PostgreSQL', plan, EMBEDDED_POSTGRES_HINT);
  if (planned) return planned;
  const url = plan.url!;
  return timedCheck('PostgreSQL', true, DEPENDENCY_HINTS.postgres, async () => {
    try {
      return await withPgClient(url, async (client) => {
        const applied = await client
          .query<{ count: string }>(`SELECT count(*) FROM "${config.database.schema}".migrations`)
          .then((r) => `${r.rows[0].count} migration(s) applied`)
          .catch(() => 'no migrations applied yet');
        return { version: await serverVersion(client), detail: `${plan.summary}; ${applied}` };
      });
    } catch (error) {
      if ((error as { code?: string }).code !== '3D000') throw error;
      const maintenance = new URL(url);
      maintenance.pathname = '/postgres';
      const version = await withPgClient(maintenance.toString(), serverVersion);
      return config.database.createIfMissing
        ? { status: 'warn', version, detail: `${plan.summary}; database does not exist yet`, hint: 'It is created on `npm start` or `npm run migration:run`.' }
        : { status: 'fail', version, detail: `${plan.summary}; database does not exist`, hint: 'Create it, or set DATABASE_CREATE_IF_MISSING=true.' };
    }
  });
}

export async function checkRedis(config: AppConfig): Promise<DiagnosticRow> {
  const plan = await planService(config, 'redis');
  const planned = plannedRow('Redis', plan, REDIS_SERVER_MISSING_HINT);
  if (planned) return planned;
  return timedCheck('Redis', true, DEPENDENCY_HINTS.redis, async () => {
    const redis = await connectRedisOnce(plan.url!, 5000);
    try {
      return { version: redisVersionOf(await redis.info('server')), detail: plan.summary };
    } finally {
      redis.disconnect();
    }
  });
}

/** An embedded server that does not run yet: nothing to connect to, only whether the hub could start it. */
function plannedRow(check: string, plan: ServicePlan, hint: string): DiagnosticRow | undefined {
  if (plan.url) return undefined;
  return plan.problem
    ? { check, required: true, status: 'fail', detail: `${plan.summary}: ${plan.problem}`, hint }
    : { check, required: true, status: 'ok', detail: plan.summary };
}

export async function checkMongo(config: AppConfig): Promise<DiagnosticRow> {
  if (!config.mongo) return { check: 'MongoDB', required: false, status: 'disabled', detail: 'MONGODB_URI unset: artifacts on the filesystem' };
  const uri = config.mongo.uri;
  return timedCheck('MongoDB', false, DEPENDENCY_HINTS.mongodb, async () => {
    const connection = createConnection(uri, { serverSelectionTimeoutMS: 5000 });
    try {
      await connection.asPromise();
      const info = await connection.db!.admin().serverInfo();
      return { version: String(info.version) };
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
}

export async function checkQdrant(config: AppConfig): Promise<DiagnosticRow> {
  if (!config.qdrant) return { check: 'Qdrant', required: false, status: 'disabled', detail: 'QDRANT_URL unset: in-process vector index' };
  const { url, apiKey } = config.qdrant;
  return timedCheck('Qdrant', false, DEPENDENCY_HINTS.qdrant, async () => {
    const info = await new QdrantClient({ url, apiKey, checkCompatibility: false, timeout: 5000 }).versionInfo();
    return { version: info.version };
  });
}

export async function checkS3(config: AppConfig): Promise<DiagnosticRow> {
  if (!config.s3) return { check: 'MinIO / S3', required: false, status: 'disabled', detail: 'S3_ENDPOINT unset: artifacts on the filesystem' };
  const s3 = config.s3;
  return timedCheck('MinIO / S3', false, DEPENDENCY_HINTS.s3, async () => {
    const exists = await createS3Client(s3).bucketExists(s3.bucket);
    return exists ? { detail: `bucket ${s3.bucket} exists` } : { status: 'warn', detail: `bucket ${s3.bucket} does not exist yet`, hint: 'It is created on first use.' };
  });
}
