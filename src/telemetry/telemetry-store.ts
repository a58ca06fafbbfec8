import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TelemetryEnvelope } from './telemetry-envelope';
import { textGroups } from './text-groups';

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

/**
 * The envelopes travel as one JSON array parameter and PostgreSQL takes them apart. A key an envelope
 * lacks is NULL; `data: null` stays JSON null, as COPY stores it.
 */
const INSERT_JSON = `
  INSERT INTO mcp_hub.telemetry_events (${COLUMNS.join(', ')})
  SELECT e->>'source', (e->>'id')::uuid, (e->>'time')::timestamptz, e->>'type', e->>'severity', e->>'subject', e->>'traceId', e->>'spanId', e->'attributes', e->'data'
  FROM jsonb_array_elements($1::jsonb) AS e
  ON CONFLICT DO NOTHING`;

/** JSON characters per INSERT: a jsonb value holds at most 256 MB, and 5,000 events of 64 KB would not fit. */
const MAX_STATEMENT_CHARS = 8_000_000;

/** Writes telemetry rows; a row seen before (same source, id and time) is skipped, so redelivery never duplicates. */
@Injectable()
export class TelemetryStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Envelopes the caller has as objects: one COPY, the cheapest way in for PostgreSQL, all of them or
   * none. A batch that meets a row already stored (a redelivery) is written again as JSON, skipping
   * those rows. Returns how many rows were new.
   */
  async insert(events: TelemetryEnvelope[]): Promise<number> {
    if (events.length === 0) return 0;
    const { client, release } = await this.connection();
    try {
      // one chunk: pg-copy-streams sends every chunk as its own CopyData message (two writes), so a row per chunk cost two syscalls per event
      await pipeline(Readable.from([events.map(copyLine).join('')]), client.query(copyFrom(`COPY mcp_hub.telemetry_events (${COLUMNS.join(', ')}) FROM STDIN`)));
      return events.length;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    } finally {
      await release();
    }
    return this.insertJson(events.map((event) => JSON.stringify(event)));
  }

  /**
   * Envelopes the caller has as JSON text, stored without parsing them here (the consumer saves that
   * work for the entries its producers validated): one statement per ~8 MB, so usually one round
   * trip per batch. Each statement is all or none, and written again they store nothing twice.
   * Returns how many rows were new.
   */
  async insertJson(envelopes: string[]): Promise<number> {
    if (envelopes.length === 0) return 0;
    const { client, release } = await this.connection();
    try {
      let stored = 0;
      for (const group of textGroups(envelopes, MAX_STATEMENT_CHARS)) stored += (await client.query(INSERT_JSON, [`[${group.join(',')}]`])).rowCount ?? 0;
      return stored;
    } finally {
      await release();
    }
  }

  /** A pooled connection used directly: TypeORM would log a failed statement with its parameters, a whole batch of events. */
  private async connection(): Promise<{ client: PoolClient; release: () => Promise<void> }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    return { client: (runner as unknown as { databaseConnection: PoolClient }).databaseConnection, release: () => runner.release() };
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
