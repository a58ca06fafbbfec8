import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { FeatureDefinition, outputColumns } from './feature-view-definition';

/**
 * Writes an entity's values unless the stored ones are newer (so runs in any order, or twice, end
 * with the latest), and lets the key expire when its values pass the view's TTL.
 */
const WRITE_LATEST = `
local current = redis.call('HGET', KEYS[1], '__ts')
if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '__ts', ARGV[1], unpack(ARGV, 3))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1`;

type FeatureRedis = Redis & { writeLatestFeatures(key: string, ts: string, expireAt: string, ...fields: string[]): Promise<number> };

export interface OnlineRow {
  entityKey: string[];
  /** Event time of the values, in milliseconds. */
  timestampMs: number;
  values: Record<string, string | null>;
}

export type OnlineStatus = 'present' | 'missing' | 'expired';

/**
 * The online store: one Redis hash per view version and entity (`features:<view>:v<version>:<entity key
 * as JSON>`), so a run of an older version never overwrites what a newer definition computed.
 */
@Injectable()
export class OnlineStore {
  private readonly redis: FeatureRedis;

  constructor(connections: RedisConnections) {
    const redis = connections.commands;
    if (!('writeLatestFeatures' in redis)) redis.defineCommand('writeLatestFeatures', { numberOfKeys: 1, lua: WRITE_LATEST });
    this.redis = redis as FeatureRedis;
  }

  static key(view: string, version: number, entityKey: string[]): string {
    return `features:${view}:v${version}:${JSON.stringify(entityKey)}`;
  }

  /** Writes a batch in one round trip; returns how many entities took the values (newer ones stay). */
  async write(view: string, version: number, ttlSeconds: number, rows: OnlineRow[]): Promise<number> {
    const pipeline = this.redis.pipeline() as unknown as { writeLatestFeatures: FeatureRedis['writeLatestFeatures']; exec(): Promise<[Error | null, unknown][]> };
    for (const row of rows) {
      const fields = Object.entries(row.values).flatMap(([name, value]) => (value === null ? [] : [name, value]));
      void pipeline.writeLatestFeatures(OnlineStore.key(view, version, row.entityKey), String(row.timestampMs), String(row.timestampMs + ttlSeconds * 1000), ...fields);
    }
    const results = await pipeline.exec();
    for (const [error] of results) if (error) throw error;
    return results.filter(([, written]) => written === 1).length;
  }

  /** Each entity's values of the features (typed), with why a value is null. */
  async read(view: string, version: number, ttlSeconds: number, features: FeatureDefinition[], entityKeys: string[][], now = Date.now()): Promise<{ values: Record<string, unknown>; status: OnlineStatus }[]> {
    const pipeline = this.redis.pipeline();
    for (const entityKey of entityKeys) pipeline.hgetall(OnlineStore.key(view, version, entityKey));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, hash]) => {
      if (error) throw error;
      const stored = hash as Record<string, string>;
      const status: OnlineStatus = !stored.__ts ? 'missing' : Number(stored.__ts) + ttlSeconds * 1000 <= now ? 'expired' : 'present';
      const values: Record<string, unknown> = {};
      for (const feature of features) {
        for (const column of outputColumns(feature)) values[column] = status === 'present' ? typed(stored[column], column === feature.name ? feature.type : 'int') : null;
      }
      return { values, status };
    });
  }
}

function typed(value: string | undefined, type: FeatureDefinition['type']): unknown {
  if (value === undefined) return null;
  if (type === 'float' || type === 'int') return Number(value);
  if (type === 'bool') return value === 't' || value === 'true';
  return value;
}
