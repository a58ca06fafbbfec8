import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TelemetryEnvelope } from './telemetry-envelope';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** COPY text format: tab-separated, \N for NULL, backslash escapes. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function copyLine(e: TelemetryEnvelope): string {
  return (
    [e.source, e.id, e.time, e.type, e.severity, e.subject ?? null, e.traceId ?? null, e.spanId ?? null, e.attributes ? JSON.stringify(e.attributes) : null, e.data === undefined ? null : JSON.stringify(e.data)]
      .map(copyField)
      .join('\t') + '\n'
  );
}

const UNIQUE_VIOLATION = '23505';

const COLUMNS = ['source', 'id', 'time', 'type', 'severity', 'subject', 'trace_id', 'span_id', 'attributes', 'data'];

/** Writes telemetry rows; a row seen before (same source, id and time) is skipped, so redelivery never duplicates. */
@Injectable()
export class TelemetryStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores the batch in one transaction. The usual case, no row seen before, is one COPY straight
   * into the table. A redelivered batch (a consumer died after its commit, before XACK) hits the
   * primary key: then the COPY is rolled back to a savepoint and the batch goes through a temporary
   * table and one INSERT … SELECT … ON CONFLICT DO NOTHING. Returns how many rows were new.
   */
  async insert(events: TelemetryEnvelope[]): Promise<number> {
    if (events.length === 0) return 0;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    // one chunk: pg-copy-streams sends every chunk as its own CopyData message (two writes), so a row per chunk cost two syscalls per event
    const lines = [events.map(copyLine).join('')];
    try {
      await client.query('BEGIN');
      await client.query('SAVEPOINT direct_copy');
      let stored: number;
      try {
        await pipeline(Readable.from(lines), client.query(copyFrom(`COPY mcp_hub.telemetry_events (${COLUMNS.join(', ')}) FROM STDIN`)));
        stored = events.length;
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        await client.query('ROLLBACK TO SAVEPOINT direct_copy');
        stored = await this.insertSkippingKnown(client, lines);
      }
      await client.query('COMMIT');
      return stored;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async insertSkippingKnown(client: PoolClient, lines: string[]): Promise<number> {
    // the same one-chunk COPY data as the direct path
    await client.query(`CREATE TEMP TABLE incoming_events (LIKE mcp_hub.telemetry_events INCLUDING DEFAULTS) ON COMMIT DROP`);
    await pipeline(Readable.from(lines), client.query(copyFrom(`COPY incoming_events (${COLUMNS.join(', ')}) FROM STDIN`)));
    const result = await client.query(`INSERT INTO mcp_hub.telemetry_events (${COLUMNS.join(', ')}) SELECT ${COLUMNS.join(', ')} FROM incoming_events ON CONFLICT DO NOTHING`);
    return result.rowCount ?? 0;
  }

  /** Drops daily partitions whose whole day is older than `retentionDays` (and such rows of the default partition); returns their names. */
  async dropPartitionsBefore(now: Date, retentionDays: number): Promise<string[]> {
    const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - retentionDays));
    const partitions: { name: string }[] = await this.dataSource.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = 'mcp_hub' AND p.relname = 'telemetry_events' AND c.relname ~ '^telemetry_events_[0-9]{8}$'`,
    );
    const dropped: string[] = [];
    for (const { name } of partitions) {
      const digits = name.slice(-8);
      const day = new Date(Date.UTC(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)) - 1, Number(digits.slice(6, 8))));
      if (day.getTime() + 86_400_000 > cutoff.getTime()) continue;
      await this.dataSource.query(`DROP TABLE IF EXISTS mcp_hub.${name}`);
      dropped.push(name);
    }
    await this.dataSource.query(`DELETE FROM mcp_hub.telemetry_events_default WHERE time < $1`, [cutoff]);
    return dropped;
  }

  /** Creates the daily partitions from `daysBack` days ago to `daysAhead` days ahead (UTC). */
  async ensurePartitions(now: Date, daysBack = 1, daysAhead = 3): Promise<string[]> {
    const created: string[] = [];
    for (let offset = -daysBack; offset <= daysAhead; offset++) {
      const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset));
      const next = new Date(day.getTime() + 86_400_000);
      const name = `telemetry_events_${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
      const made = await this.dataSource.transaction(async (manager) => {
        // several hubs and workers may start at once: one of them creates each partition
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('mcp_hub.telemetry_partitions'))`);
        const exists: unknown[] = await manager.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'mcp_hub' AND tablename = $1`, [name]);
        if (exists.length) return false;
        // rows of that day already in the default partition move into the new one
        await manager.query(`LOCK TABLE mcp_hub.telemetry_events_default IN ACCESS EXCLUSIVE MODE`);
        await manager.query(`CREATE TABLE mcp_hub.${name} (LIKE mcp_hub.telemetry_events INCLUDING DEFAULTS)`);
        await manager.query(
          `WITH moved AS (DELETE FROM mcp_hub.telemetry_events_default WHERE time >= $1 AND time < $2 RETURNING *) INSERT INTO mcp_hub.${name} SELECT * FROM moved`,
          [day.toISOString(), next.toISOString()],
        );
        await manager.query(`ALTER TABLE mcp_hub.telemetry_events ATTACH PARTITION mcp_hub.${name} FOR VALUES FROM ('${day.toISOString()}') TO ('${next.toISOString()}')`);
        return true;
      });
      if (!made) continue;
      created.push(name);
    }
    return created;
  }
}
