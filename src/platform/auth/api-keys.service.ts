import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError } from '../errors/app-error';
import { ApiKey, Scope } from './api-key.entity';
import { KeyChangeChannel } from './key-change-channel';

export const KEY_PREFIX = 'mcphub_';
const CACHE_MS = 10_000;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  profile: string | null;
}

/** A new key record and its secret (the record holds only the secret's hash). */
export function newApiKey(name: string, scopes: Scope[], profile: string | null): { key: ApiKey; secret: string } {
  const secret = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const key = Object.assign(new ApiKey(), {
    id: uuidv7(),
    name,
    prefix: secret.slice(0, KEY_PREFIX.length + 6),
    secretHash: hashSecret(secret),
    scopes: [...new Set(scopes)],
    profile,
    createdAt: new Date(),
    lastUsedAt: null,
  });
  return { key, secret };
}

/** The audit trail's name for a caller: `key:<name>` with API keys, `anonymous` without. */
export const actorOf = (principal: Principal | undefined) => (principal ? `key:${principal.name}` : 'anonymous');

/** Creates, lists, deletes and verifies API keys. Verified keys are cached for a few seconds, and forgotten on every instance when a key is deleted. */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();
  /** Bumped by every key change: a lookup that began before one must not refill the cache with what it read. */
  private generation = 0;
  /** The stored keys' prefixes, loaded on demand and forgotten with every key change. */
  private prefixes?: Promise<Set<string>>;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly changes: KeyChangeChannel,
  ) {
    changes.onChange(() => {
      this.generation++;
      this.cache.clear();
      this.prefixes = undefined;
    });
  }

  /** Returns the record and the secret, which is never stored or shown again. */
  async create(name: string, scopes: Scope[], profile: string | null): Promise<{ key: ApiKey; secret: string }> {
    const created = newApiKey(name, scopes, profile);
    await this.keys.insert(created.key);
    await this.changes.publish();
    return created;
  }

  /** Which of these key ids still exist. */
  async existing(ids: string[]): Promise<Set<string>> {
    const keys = await this.keys.find({ select: { id: true }, where: { id: In(ids) } });
    return new Set(keys.map((k) => k.id));
  }

  list(): Promise<ApiKey[]> {
    return this.keys.find({ order: { createdAt: 'ASC' } });
  }

  async delete(id: string): Promise<void> {
    const result = await this.keys.delete({ id });
    if (!result.affected) throw new NotFoundError('API key', id, 'API_KEY_NOT_FOUND');
    await this.changes.publish();
  }

  /** The principal when this secret was verified a moment ago; undefined when that takes a lookup. */
  cached(secret: string): Principal | null | undefined {
    const cached = this.cache.get(hashSecret(secret));
    return cached && cached.until > Date.now() ? cached.principal : undefined;
  }

  /** Whether the secret starts like a stored key: such a lookup is worth making even for a throttled address. */
  async hasKnownPrefix(secret: string): Promise<boolean> {
    this.prefixes ??= this.keys
      .find({ select: { prefix: true } })
      .then((keys) => new Set(keys.map((k) => k.prefix)))
      .catch((error: unknown) => {
        this.prefixes = undefined;
        throw error;
      });
    return (await this.prefixes).has(secret.slice(0, KEY_PREFIX.length + 6));
  }

  async verify(secret: string): Promise<Principal | null> {
    const cached = this.cached(secret);
    if (cached !== undefined) return cached;
    const hash = hashSecret(secret);
    const generation = this.generation;
    const key = await this.keys.findOneBy({ secretHash: hash });
    const principal = key ? { keyId: key.id, name: key.name, scopes: key.scopes, profile: key.profile } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    if (generation === this.generation) this.cache.set(hash, { principal, until: Date.now() + CACHE_MS });
    if (key) void this.keys.update({ id: key.id }, { lastUsedAt: new Date() }).catch(() => undefined);
    return principal;
  }
}
