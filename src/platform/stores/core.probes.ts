import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RedisConnections } from '../redis/redis-connections';
import { DependencyProbe, ProbeResult } from './dependency-probe';
import { EmbeddedServices } from '../embedded/embedded-services';

@Injectable()
export class PostgresProbe implements DependencyProbe {
  readonly name = 'postgres' as const;
  readonly required = true;
  readonly enabled = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly embedded: EmbeddedServices,
  ) {}

  async check(): Promise<ProbeResult> {
    const rows: { server_version: string }[] = await this.dataSource.query('SHOW server_version');
    return { version: rows[0].server_version, detail: { mode: this.embedded.mode('postgres') } };
  }
}

/** Parses `redis_version:7.0.15` out of INFO output. */
export function redisVersionOf(info: string): string | undefined {
  return /^redis_version:(\S+)/m.exec(info)?.[1];
}

@Injectable()
export class RedisProbe implements DependencyProbe {
  readonly name = 'redis' as const;
  readonly required = true;
  readonly enabled = true;

  constructor(
    private readonly redis: RedisConnections,
    private readonly embedded: EmbeddedServices,
  ) {}

  async check(): Promise<ProbeResult> {
    return { version: redisVersionOf(await this.redis.commands.info('server')), detail: { mode: this.embedded.mode('redis') } };
  }
}
