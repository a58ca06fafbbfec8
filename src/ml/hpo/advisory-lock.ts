import type { DataSource } from 'typeorm';
import { pgPool } from '../../platform/database/pg-pool';

/**
 * Runs work while holding PostgreSQL's advisory lock on `key`, on a connection of its own: one holder
 * at a time across every hub process, and a process that dies mid-way lets go with its connection.
 * When another holder has it, nothing runs and the answer is `{ held: true }` (nobody waits on a lock).
 */
export async function withAdvisoryLock<T>(dataSource: DataSource, key: string, work: () => Promise<T>): Promise<{ held: false; value: T } | { held: true }> {
  const client = await pgPool(dataSource).connect();
  let failure: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key]);
    if (!rows[0].locked) return { held: true };
    try {
      return { held: false, value: await work() };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch((error: Error) => (failure = error));
    }
  } finally {
    // a connection that could not unlock still holds the lock: closing it is what lets go
    client.release(failure ?? false);
  }
}
