import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '../platform/errors/app-error';
import { EventsPageDto, EventsQueryDto, RollupsQueryDto } from './telemetry-query.dto';

interface Row {
  id: string;
  source: string;
  type: string;
  time: Date;
  severity: string;
  subject: string | null;
  data: unknown;
}

export const encodeCursor = (row: Pick<Row, 'time' | 'source' | 'id'>) => Buffer.from(JSON.stringify([row.time.toISOString(), row.source, row.id])).toString('base64url');

/** The time format encodeCursor writes (toISOString of a stored event), so every decoded time is one PostgreSQL accepts. */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A cursor's parts, checked so that a crafted one is a 400 naming the cursor rather than a database error. */
export function decodeCursor(cursor: string): [Date, string, string] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // reported below
  }
  if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) {
    const [time, source, id] = value as [string, string, string];
    const at = new Date(time);
    if (CURSOR_TIME.test(time) && !Number.isNaN(at.getTime()) && !source.includes('\u0000') && isUUID(id)) return [at, source, id];
  }
  throw new ValidationFailedError([{ field: 'cursor', reason: 'is not a cursor this endpoint returned; pass nextCursor of the previous page unchanged' }]);
}

/** Read side of the stored telemetry: filtered pages (newest first, keyset cursor) and aggregates. */
@Injectable()
export class TelemetryQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Per-minute rollups in [from, to), oldest first. */
  async rollups(query: RollupsQueryDto) {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 3600_000);
    const params: unknown[] = [from, to];
    let filter = '';
    if (query.type) {
      params.push(query.type.split(','));
      filter = ` AND type = ANY($${params.length})`;
    }
    const rows: { minute: Date; type: string; source: string; server: string; tool: string; events: number; errors: number; p50_ms: number | null; p95_ms: number | null; p99_ms: number | null }[] =
      await this.dataSource.query(`SELECT * FROM mcp_hub.telemetry_rollups WHERE minute >= $1 AND minute < $2${filter} ORDER BY minute, type, source, server, tool LIMIT 10000`, params);
    return rows.map((r) => ({ minute: r.minute.toISOString(), type: r.type, source: r.source, server: r.server || null, tool: r.tool || null, events: r.events, errors: r.errors, p50Ms: r.p50_ms, p95Ms: r.p95_ms, p99Ms: r.p99_ms }));
  }

  async events(query: EventsQueryDto): Promise<EventsPageDto> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.type) add('type = ANY(?)', query.type.split(','));
    if (query.source) add('source = ?', query.source);
    if (query.subject) add('subject = ?', query.subject);
    if (query.from) add('time >= ?', new Date(query.from));
    if (query.to) add('time < ?', new Date(query.to));
    if (query.cursor) {
      const [time, source, id] = decodeCursor(query.cursor);
      params.push(time, source, id);
      where.push(`(time, source, id) < ($${params.length - 2}, $${params.length - 1}, $${params.length}::uuid)`);
    }
    const limit = query.limit ?? 100;
    params.push(limit + 1);
    const rows: Row[] = await this.dataSource.query(
      `SELECT id, source, type, time, severity, subject, data FROM mcp_hub.telemetry_events
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY time DESC, source DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      events: page.map((r) => ({ id: r.id, source: r.source, type: r.type, time: r.time.toISOString(), severity: r.severity, subject: r.subject, data: r.data })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }
}
