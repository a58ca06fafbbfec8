import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '../platform/errors/app-error';
import { EventsPageDto, EventsQueryDto } from './telemetry-query.dto';

interface Row {
  id: string;
  source: string;
  type: string;
  time: Date;
  severity: string;
  subject: string | null;
  data: unknown;
}

const encodeCursor = (row: Row) => Buffer.from(JSON.stringify([row.time.toISOString(), row.source, row.id])).toString('base64url');

function decodeCursor(cursor: string): [string, string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) return value as [string, string, string];
  } catch {
    // reported below
  }
  throw new ValidationFailedError([{ field: 'cursor', reason: 'is not a cursor this endpoint returned' }]);
}

/** Read side of the stored telemetry: filtered pages (newest first, keyset cursor) and aggregates. */
@Injectable()
export class TelemetryQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async events(query: EventsQueryDto): Promise<EventsPageDto> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.type) add('type = ?', query.type);
    if (query.source) add('source = ?', query.source);
    if (query.subject) add('subject = ?', query.subject);
    if (query.from) add('time >= ?', new Date(query.from));
    if (query.to) add('time < ?', new Date(query.to));
    if (query.cursor) {
      const [time, source, id] = decodeCursor(query.cursor);
      params.push(new Date(time), source, id);
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
