import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../platform/config/app-config';
import { RedisConnections } from '../platform/redis/redis-connections';
import { IS_ERROR_SQL } from './telemetry-error';
import { fieldPairs, telemetryKeys } from './telemetry-stream';

export interface StreamState {
  length: number;
  pending: number;
  lag: number | null;
  deadLetters: number;
  consumers: number;
}

interface LatencyRow {
  server: string;
  tool?: string;
  calls: string;
  errors: string;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

/** Figures about the pipeline (from Redis) and about the stored events over a window (from PostgreSQL). */
@Injectable()
export class TelemetryStats {
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof telemetryKeys>;

  constructor(
    config: AppConfig,
    connections: RedisConnections,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.redis = connections.streamCommands;
    this.keys = telemetryKeys(config);
  }

  async stream(): Promise<StreamState> {
    return (await this.streamAndGroup()).state;
  }

  /** The stream's state, and whether the consumer group exists (Redis restarted empty loses it). */
  async streamAndGroup(): Promise<{ state: StreamState; groupExists: boolean }> {
    const [length, deadLetters, groups] = await Promise.all([
      this.redis.xlen(this.keys.stream),
      this.redis.xlen(this.keys.deadLetter),
      (this.redis.xinfo('GROUPS', this.keys.stream) as Promise<unknown[][]>).catch(() => [] as unknown[][]),
    ]);
    const group = groups.map((fields) => Object.fromEntries(fieldPairs(fields))).find((g) => g.name === this.keys.group);
    const state = {
      length,
      pending: Number(group?.pending ?? 0),
      lag: group?.lag === undefined || group?.lag === null ? null : Number(group.lag),
      deadLetters,
      consumers: Number(group?.consumers ?? 0),
    };
    return { state, groupExists: group !== undefined };
  }

  async window(windowSeconds: number) {
    const since = new Date(Date.now() - windowSeconds * 1000);
    const [[totals], byType, byTool, byServer] = await Promise.all([
      this.dataSource.query(`SELECT count(*) AS events FROM mcp_hub.telemetry_events WHERE time >= $1`, [since]) as Promise<{ events: string }[]>,
      this.dataSource.query(
        `SELECT type, count(*) AS events, count(*) FILTER (WHERE severity IN ('warn', 'error')) AS problems
         FROM mcp_hub.telemetry_events WHERE time >= $1 GROUP BY type ORDER BY count(*) DESC, type`,
        [since],
      ) as Promise<{ type: string; events: string; problems: string }[]>,
      this.latency(since, true),
      this.latency(since, false),
    ]);
    return {
      windowSeconds,
      since: since.toISOString(),
      events: Number(totals.events),
      eventsPerSecond: Math.round((Number(totals.events) / windowSeconds) * 1000) / 1000,
      byType: byType.map((r) => ({ type: r.type, events: Number(r.events), problems: Number(r.problems) })),
      toolLatency: byTool.map((r) => ({ server: r.server, tool: r.tool!, calls: Number(r.calls), errors: Number(r.errors), p50Ms: round(r.p50), p95Ms: round(r.p95), p99Ms: round(r.p99) })),
      serverLatency: byServer.map((r) => ({ server: r.server, calls: Number(r.calls), errors: Number(r.errors), p50Ms: round(r.p50), p95Ms: round(r.p95), p99Ms: round(r.p99) })),
    };
  }

  /** Tool-call latency percentiles from mcp.tool.call events, per tool or per server. */
  private latency(since: Date, perTool: boolean): Promise<LatencyRow[]> {
    const groupBy = perTool ? `data->>'server', data->>'tool'` : `data->>'server'`;
    return this.dataSource.query(
      `SELECT data->>'server' AS server, ${perTool ? `data->>'tool' AS tool,` : ''}
              count(*) AS calls,
              count(*) FILTER (WHERE ${IS_ERROR_SQL}) AS errors,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8) AS p99
       FROM mcp_hub.telemetry_events
       WHERE type = 'mcp.tool.call' AND time >= $1 AND data ? 'durationMs'
       GROUP BY ${groupBy} ORDER BY ${groupBy}`,
      [since],
    );
  }
}
