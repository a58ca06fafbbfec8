import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { parse } from 'csv-parse';
import { escapeIdentifier as id, escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource, Repository } from 'typeorm';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { FeatureMaterialization, MaterializationRun } from './feature-materialization.entity';
import { FeatureView } from './feature-view.entity';
import { outputColumns } from './feature-view-definition';
import { OnlineRow, OnlineStore } from './online-store';
import { assertSourceAllowed } from './feature-source';
import { featureExpressions, latestFirst, sourceTable } from './point-in-time-query';
import { inUtcTransaction } from './utc-transaction';

const BATCH = 1_000;

/**
 * One materialisation run of a view: the latest source row per entity in (from, to] goes to the online
 * store, computed by PostgreSQL (DISTINCT ON) and streamed. Incremental: `from` is the watermark of the
 * last run of this version. Idempotent: writing the same rows again changes nothing.
 */
@Injectable()
export class Materializer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(FeatureMaterialization) private readonly progress: Repository<FeatureMaterialization>,
    private readonly online: OnlineStore,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {}

  async run(view: FeatureView, jobId: string, window: { start?: string; end?: string }, onProgress: (entities: number) => void): Promise<MaterializationRun> {
    const startedAt = new Date();
    const { definition } = view;
    assertSourceAllowed(view.name, definition, this.config.features.sourceSchemas);
    const state = await this.progress.findOneBy({ viewName: view.name });
    const watermark = state?.version === view.version ? state.watermark : null;
    const source = sourceTable(definition);
    const time = `s.${id(definition.timestampColumn)}`;
    const keys = definition.entities.map((e) => `s.${id(e)}`);
    const expressions = definition.features.flatMap((f) => featureExpressions(f, definition));
    const columns = definition.features.flatMap(outputColumns);
    let entities = 0;
    let expired = 0;

    const { from, to, count, dbNow } = await inUtcTransaction(this.dataSource, async (client) => {
      // the database's clock, not the hub's: the watermark is compared with times the database wrote.
      // A transaction still open may yet commit rows stamped from its start (a default now()), so the
      // watermark stops at the oldest open writer's start (sessions of other roles may hide theirs).
      const [{ now, settled }] = (
        await client.query<{ now: Date; settled: Date }>(
          `SELECT now() AS now, least(now(), (SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())) AS settled`,
        )
      ).rows;
      const from = window.start ? new Date(window.start) : watermark;
      const to = window.end ? new Date(window.end) : now;
      const where = `${from ? `${time} > ${escapeLiteral(from.toISOString())}::timestamptz AND ` : ''}${time} <= ${escapeLiteral(to.toISOString())}::timestamptz`;
      const [{ count }] = (await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${source} s WHERE ${where}`)).rows;
      // the latest row per entity first, then its expressions (a rolling window) for that row alone
      const latest =
        `SELECT ${keys.map((k, i) => `${k}::text AS ${id(`__k${i}`)}`).join(', ')}, (extract(epoch FROM ${time}) * 1000)::bigint AS __ts, ` +
        `${expressions.map((e) => `${e.sql}::text AS ${id(e.column)}`).join(', ')} ` +
        `FROM (SELECT DISTINCT ON (${keys.join(', ')}) * FROM ${source} s WHERE ${where} ORDER BY ${keys.join(', ')}, ${latestFirst(definition)}) s`;
      const rows = client.query(copyTo(`COPY (${latest}) TO STDOUT WITH (FORMAT csv, HEADER true)`)).pipe(parse({ columns: true }));
      let batch: OnlineRow[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await this.online.write(view.name, view.version, definition.ttlSeconds, batch);
        entities += batch.length;
        batch = [];
        onProgress(entities);
      };
      const nowMs = now.getTime();
      for await (const record of rows as AsyncIterable<Record<string, string>>) {
        const timestampMs = Number(record.__ts);
        // already past the TTL: nothing the online store should serve
        if (timestampMs + definition.ttlSeconds * 1000 <= nowMs) {
          expired++;
          continue;
        }
        const values = Object.fromEntries(columns.map((c) => [c, record[c] === '' ? null : record[c]]));
        batch.push({ entityKey: definition.entities.map((_e, i) => record[`__k${i}`]), timestampMs, values });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      return { from, to, count, dbNow: settled };
    });

    const run: MaterializationRun = {
      jobId,
      version: view.version,
      from: from?.toISOString() ?? null,
      to: to.toISOString(),
      sourceRows: count,
      entities,
      expired,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    };
    await this.dataSource.query(
      `INSERT INTO mcp_hub.feature_materializations (view_name, version, watermark, last_run, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (view_name) DO UPDATE SET
         watermark = CASE WHEN feature_materializations.version = EXCLUDED.version THEN GREATEST(feature_materializations.watermark, EXCLUDED.watermark) ELSE EXCLUDED.watermark END,
         version = EXCLUDED.version, last_run = EXCLUDED.last_run, updated_at = now()`,
      [view.name, view.version, nextWatermark(watermark, from, to, dbNow), JSON.stringify(run)],
    );
    this.events.publish('ml.features.materialized', { view: view.name, ...run, durationMs: Date.parse(run.finishedAt) - startedAt.getTime() }, view.name);
    return run;
  }
}

/**
 * Where the watermark goes after a run over (from, to]. It claims "every source row up to here is in
 * the online store", so it moves only when the run started at or before it (no gap) and never past the
 * database's clock (a future `end` must not make the next incremental run skip rows written until then).
 * A backfill of an older window leaves it where it is (the upsert keeps the greater).
 */
export function nextWatermark(watermark: Date | null, from: Date | null, to: Date, now: Date): Date | null {
  const contiguous = from === null || (watermark !== null && from.getTime() <= watermark.getTime());
  if (!contiguous) return watermark;
  return to.getTime() < now.getTime() ? to : now;
}
