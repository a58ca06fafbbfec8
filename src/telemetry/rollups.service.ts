import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ScheduledDuties } from '../platform/cluster/scheduled-duties';
import { AppConfig } from '../platform/config/app-config';
import { IS_ERROR_SQL } from './telemetry-error';

/** Minutes recomputed each run, so events stored late (redelivered, or from a slow consumer) are counted. */
const LOOKBACK_MINUTES = 10;

/**
 * Per-minute rollups of the stored events: count, errors (IS_ERROR_SQL, as in /api/telemetry/stats) and
 * p50/p95/p99 of data.durationMs, by type, source, server and tool. Recomputed for the
 * last minutes every TELEMETRY_ROLLUP_INTERVAL_MS, once across all processes (a scheduled duty); a
 * run called directly meanwhile waits for an advisory lock.
 */
@Injectable()
export class RollupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
    duties: ScheduledDuties,
  ) {
    duties.register({ name: 'telemetry-rollups', everyMs: config.telemetry.rollupIntervalMs, run: () => this.rollUp() });
  }

  /**
   * Recomputes the minutes from `lookbackMinutes` before the current one up to now. The current minute
   * is partial (each run rewrites it until it ends), so charts show calls within an interval of them.
   */
  async rollUp(now = new Date(), lookbackMinutes = LOOKBACK_MINUTES): Promise<number> {
    const end = now;
    const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000 - lookbackMinutes * 60_000);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('mcp_hub.telemetry_rollups'))`);
      const rows: unknown[] = await manager.query(
        `INSERT INTO mcp_hub.telemetry_rollups (minute, type, source, server, tool, events, errors, p50_ms, p95_ms, p99_ms)
         SELECT date_trunc('minute', time), type, source, coalesce(data->>'server', ''), coalesce(data->>'tool', ''),
                count(*),
                count(*) FILTER (WHERE ${IS_ERROR_SQL}),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8),
                percentile_cont(0.95) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8),
                percentile_cont(0.99) WITHIN GROUP (ORDER BY (data->>'durationMs')::float8)
         FROM mcp_hub.telemetry_events
         WHERE time >= $1 AND time < $2
         GROUP BY 1, 2, 3, 4, 5
         ON CONFLICT (minute, type, source, server, tool) DO UPDATE SET
           events = EXCLUDED.events, errors = EXCLUDED.errors, p50_ms = EXCLUDED.p50_ms, p95_ms = EXCLUDED.p95_ms, p99_ms = EXCLUDED.p99_ms
         RETURNING 1`,
        [start, end],
      );
      return rows.length;
    });
  }
}
