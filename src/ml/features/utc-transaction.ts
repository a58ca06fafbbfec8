import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { pgPool } from '../../platform/database/pg-pool';

/**
 * Runs work on one pooled connection in a transaction whose TimeZone is UTC, so a `timestamp without
 * time zone` source reads as UTC whatever the server's default. A connection that failed (say, in the
 * middle of a COPY) is discarded rather than handed back to the pool in an unknown protocol state.
 */
export async function inUtcTransaction<T>(dataSource: DataSource, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pgPool(dataSource).connect();
  let failure: Error | undefined;
  try {
    await client.query(`BEGIN; SET LOCAL TIME ZONE 'UTC'`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    client.release(failure ?? false);
  }
}
