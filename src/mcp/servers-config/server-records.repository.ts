import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConflictError } from '../../platform/errors/app-error';
import { ServerRecord } from './server-record.entity';

const UNIQUE_VIOLATION = '23505';

/** The servers added over the REST API, in mcp_hub.mcp_servers. */
@Injectable()
export class ServerRecords {
  constructor(@InjectRepository(ServerRecord) private readonly rows: Repository<ServerRecord>) {}

  async all(): Promise<{ name: string; entry: Record<string, unknown> }[]> {
    const rows = await this.rows.find({ order: { name: 'ASC' } });
    return rows.map((row) => ({ name: row.name, entry: row.entry }));
  }

  async find(name: string): Promise<Record<string, unknown> | undefined> {
    return (await this.rows.findOneBy({ name }))?.entry;
  }

  /** Insert or fail: of two requests creating one name, the database lets exactly one through. */
  async insert(name: string, entry: Record<string, unknown>): Promise<void> {
    try {
      await this.rows.insert({ name, entry: asJsonb(entry) });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw serverExists(name);
      throw error;
    }
  }

  async update(name: string, entry: Record<string, unknown>): Promise<void> {
    await this.rows.update({ name }, { entry: asJsonb(entry) });
  }

  async delete(name: string): Promise<void> {
    await this.rows.delete({ name });
  }
}

// TypeORM's partial-entity type cannot express `unknown` values of a jsonb column
const asJsonb = (entry: Record<string, unknown>) => entry as QueryDeepPartialEntity<ServerRecord>['entry'];

export function serverExists(name: string): ConflictError {
  return new ConflictError('SERVER_EXISTS', `Server "${name}" already exists; PATCH /api/servers/${name} changes it`, { name });
}
