import { Client, ClientConfig } from 'pg';
import { DependencyUnavailableError } from '../errors/app-error';
import { DEPENDENCY_HINTS, describeUrl } from '../dependency-hints';
import { retryUntil } from '../retry-until';
import { describeError } from '../errors/describe-error';

const DUPLICATE_DATABASE = '42P04';
const INVALID_CATALOG_NAME = '3D000';

export interface PrepareDatabaseOptions {
  url: string;
  schema: string;
  createIfMissing: boolean;
  timeoutMs: number;
  onRetry?: (error: Error, attempt: number) => void;
}

/**
 * Waits (up to timeoutMs) for PostgreSQL, creates the database when missing and allowed,
 * and makes sure the hub's schema exists. Throws DependencyUnavailableError with a hint otherwise.
 */
export async function prepareDatabase(options: PrepareDatabaseOptions): Promise<{ created: boolean; serverVersion: string }> {
  const database = decodeURIComponent(new URL(options.url).pathname.slice(1));
  let created = false;
  const connect = async (config: ClientConfig) => {
    const client = new Client({ ...config, connectionTimeoutMillis: Math.min(options.timeoutMs, 5000) });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  const client = await retryUntil(
    async () => {
      try {
        return await connect({ connectionString: options.url });
      } catch (error) {
        if ((error as { code?: string }).code !== INVALID_CATALOG_NAME || !options.createIfMissing) throw error;
        const maintenance = new URL(options.url);
        maintenance.pathname = '/postgres';
        const admin = await connect({ connectionString: maintenance.toString() });
        try {
          await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
          created = true;
        } catch (createError) {
          if ((createError as { code?: string }).code !== DUPLICATE_DATABASE) throw createError;
        } finally {
          await admin.end();
        }
        return connect({ connectionString: options.url });
      }
    },
    { timeoutMs: options.timeoutMs, onRetry: options.onRetry, retryIf: (e) => (e as { code?: string }).code !== INVALID_CATALOG_NAME },
  ).catch((error: Error) => {
    const missing = (error as { code?: string }).code === INVALID_CATALOG_NAME;
    throw new DependencyUnavailableError(
      'postgres',
      missing
        ? `PostgreSQL database "${database}" does not exist and DATABASE_CREATE_IF_MISSING=false`
        : `PostgreSQL at ${describeUrl(options.url)} is unreachable: ${describeError(error)}`,
      missing ? `Create it (createdb ${database}) or set DATABASE_CREATE_IF_MISSING=true.` : DEPENDENCY_HINTS.postgres,
    );
  });

  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return { created, serverVersion: rows[0].server_version };
  } finally {
    await client.end();
  }
}
