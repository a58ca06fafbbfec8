import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError } from '../errors/app-error';
import { ApiKey, Scope } from './api-key.entity';

export const KEY_PREFIX = 'mcphub_';
const CACHE_MS = 10_000;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  profile: string | null;
}

/** Creates, lists, deletes and verifies API keys. Verified keys are cached for a few seconds. */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  /** Returns the record and the secret, which is never stored or shown again. */
  async create(name: string, scopes: Scope[], profile: string | null): Promise<{ key: ApiKey; secret: string }> {
    const secret = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const key = this.keys.create({
      id: uuidv7(),
      name,
      prefix: secret.slice(0, KEY_PREFIX.length + 6),
      secretHash: hashSecret(secret),
      scopes: [...new Set(scopes)],
      profile,
      createdAt: new Date(),
      lastUsedAt: null,
    });
    await this.keys.insert(key);
    return { key, secret };
  }

  list(): Promise<ApiKey[]> {
    return this.keys.find({ order: { createdAt: 'ASC' } });
  }

  async delete(id: string): Promise<void> {
    const result = await this.keys.delete({ id });
    if (!result.affected) throw new NotFoundError('API key', id, 'API_KEY_NOT_FOUND');
    this.cache.clear();
  }

  async verify(secret: string): Promise<Principal | null> {
    const hash = hashSecret(secret);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const key = await this.keys.findOneBy({ secretHash: hash });
    const principal = key ? { keyId: key.id, name: key.name, scopes: key.scopes, profile: key.profile } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: Date.now() + CACHE_MS });
    if (key) void this.keys.update({ id: key.id }, { lastUsedAt: new Date() }).catch(() => undefined);
    return principal;
  }
}
