import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConflictError } from '../../platform/errors/app-error';
import { SecretCipher, SecretDecryptionError } from '../../platform/secrets/secret-cipher';
import { ServerRecord } from './server-record.entity';

const UNIQUE_VIOLATION = '23505';

/** Fields of an entry that carry credentials: `--token` args, env values, URL user info and query tokens, headers. */
export const SECRET_FIELDS = ['args', 'env', 'url', 'headers'] as const;

export interface StoredServer {
  name: string;
  entry: Record<string, unknown>;
}

export interface UnreadableServer {
  name: string;
  reason: string;
}

/**
 * The servers added over the REST API, in mcp_hub.mcp_servers. With a SecretCipher key, the
 * secret-bearing fields are sealed (AES-256-GCM, bound to the server's name) in `encrypted_fields`
 * and `entry` keeps the rest; without one, `entry` holds everything.
 */
@Injectable()
export class ServerRecords {
  constructor(
    @InjectRepository(ServerRecord) private readonly rows: Repository<ServerRecord>,
    private readonly cipher: SecretCipher,
  ) {}

  /** Every stored server; rows whose sealed fields cannot be opened are listed apart, with why. */
  async all(): Promise<{ servers: StoredServer[]; unreadable: UnreadableServer[] }> {
    const rows = await this.rows.find({ order: { name: 'ASC' } });
    const servers: StoredServer[] = [];
    const unreadable: UnreadableServer[] = [];
    for (const row of rows) {
      try {
        servers.push({ name: row.name, entry: this.open(row) });
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        unreadable.push({ name: row.name, reason: error.message });
      }
    }
    return { servers, unreadable };
  }

  async exists(name: string): Promise<boolean> {
    return this.rows.existsBy({ name });
  }

  /** The stored entry; 409 when its sealed fields cannot be opened with the configured key. */
  async find(name: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.rows.findOneBy({ name });
    if (!row) return undefined;
    try {
      return this.open(row);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      throw new ConflictError('SERVER_SECRETS_UNREADABLE', `Server "${name}": ${error.message}; start the hub with the key it was stored with, or delete it and add it again`, { name });
    }
  }

  /** Insert or fail: of two requests creating one name, the database lets exactly one through. */
  async insert(name: string, entry: Record<string, unknown>): Promise<void> {
    try {
      await this.rows.insert({ name, ...this.seal(name, entry) });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw serverExists(name);
      throw error;
    }
  }

  async update(name: string, entry: Record<string, unknown>): Promise<void> {
    await this.rows.update({ name }, this.seal(name, entry));
  }

  async delete(name: string): Promise<void> {
    await this.rows.delete({ name });
  }

  /** Seals the rows stored before a key was configured; returns their names. */
  async sealPlaintext(): Promise<string[]> {
    if (!this.cipher.enabled) return [];
    const plain = await this.rows.findBy({ encryptedFields: IsNull() });
    for (const row of plain) await this.rows.update({ name: row.name, encryptedFields: IsNull() }, this.seal(row.name, row.entry));
    return plain.map((row) => row.name);
  }

  private seal(name: string, entry: Record<string, unknown>): { entry: QueryDeepPartialEntity<ServerRecord>['entry']; encryptedFields: string | null } {
    if (!this.cipher.enabled) return { entry: asJsonb(entry), encryptedFields: null };
    const rest = { ...entry };
    const secret: Record<string, unknown> = {};
    for (const field of SECRET_FIELDS) {
      if (field in rest) secret[field] = rest[field];
      delete rest[field];
    }
    return { entry: asJsonb(rest), encryptedFields: this.cipher.seal(JSON.stringify(secret), name) };
  }

  private open(row: ServerRecord): Record<string, unknown> {
    if (row.encryptedFields === null) return row.entry;
    let secret: Record<string, unknown>;
    try {
      secret = JSON.parse(this.cipher.open(row.encryptedFields, row.name)) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      throw new SecretDecryptionError(`its secret fields cannot be read: ${error.message}`);
    }
    return { ...row.entry, ...secret };
  }
}

// TypeORM's partial-entity type cannot express `unknown` values of a jsonb column
const asJsonb = (entry: Record<string, unknown>) => entry as QueryDeepPartialEntity<ServerRecord>['entry'];

export function serverExists(name: string): ConflictError {
  return new ConflictError('SERVER_EXISTS', `Server "${name}" already exists; PATCH /api/servers/${name} changes it`, { name });
}
