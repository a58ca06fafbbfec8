import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { parse } from 'csv-parse';
import type { PoolClient } from 'pg';
import { escapeIdentifier as id, escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource, Repository } from 'typeorm';
import { EventBus } from '../../platform/events/event-bus';
import { FeatureMaterialization, MaterializationRun } from './feature-materialization.entity';
import { FeatureView } from './feature-view.entity';
import { outputColumns } from './feature-view-definition';
import { OnlineRow, OnlineStore } from './online-store';
import { featureExpressions } from './point-in-time-query';

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
  ) {}

  async run(view: FeatureView, jobId: string, window: { start?: string; end?: string }, onProgress: (entities: number) => void): Promise<MaterializationRun> {
    const startedAt = new Date();
    const state = await this.progress.findOneBy({ viewName: view.name });
    const watermark = state?.version === view.version ? state.watermark : null;
    const from = window.start ? new Date(window.start) : watermark;
    const to = window.end ? new Date(window.end) : startedAt;
    const { definition } = view;
    const [schema, table] = definition.source.table.split('.');
    const time = `s.${id(definition.timestampColumn)}`;
    const where = `${from ? `${time} > ${escapeLiteral(from.toISOString())}::timestamptz AND ` : ''}${time} <= ${escapeLiteral(to.toISOString())}::timestamptz`;
    const expressions = definition.features.flatMap(featureExpressions);
    const keys = definition.entities.map((e) => `s.${id(e)}`);
    const latest =
      `SELECT DISTINCT ON (${keys.join(', ')}) ${keys.map((k, i) => `${k}::text AS ${id(`__k${i}`)}`).join(', ')}, ` +
      `(extract(epoch FROM ${time}) * 1000)::bigint AS __ts, ${expressions.map((e) => `${e.sql}::text AS ${id(e.column)}`).join(', ')} ` +
      `FROM ${id(schema)}.${id(table)} s WHERE ${where} ORDER BY ${keys.join(', ')}, ${time} DESC`;

    const [{ count }] = (await this.dataSource.query(`SELECT count(*)::int AS count FROM ${id(schema)}.${id(table)} s WHERE ${where}`)) as [{ count: number }];
    const columns = definition.features.flatMap(outputColumns);
    let entities = 0;
    let expired = 0;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      const rows = client.query(copyTo(`COPY (${latest}) TO STDOUT WITH (FORMAT csv, HEADER true)`)).pipe(parse({ columns: true }));
      let batch: OnlineRow[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await this.online.write(view.name, definition.ttlSeconds, batch);
        entities += batch.length;
        batch = [];
        onProgress(entities);
      };
      const now = Date.now();
      for await (const record of rows as AsyncIterable<Record<string, string>>) {
        const timestampMs = Number(record.__ts);
        // already past the TTL: nothing the online store should serve
        if (timestampMs + definition.ttlSeconds * 1000 <= now) {
          expired++;
          continue;
        }
        const values = Object.fromEntries(columns.map((c) => [c, record[c] === '' ? null : record[c]]));
        batch.push({ entityKey: definition.entities.map((_e, i) => record[`__k${i}`]), timestampMs, values });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    } finally {
      await runner.release();
    }

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
    // the watermark only moves forward: a backfill of an older window leaves it where it is
    await this.dataSource.query(
      `INSERT INTO mcp_hub.feature_materializations (view_name, version, watermark, last_run, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (view_name) DO UPDATE SET
         watermark = CASE WHEN feature_materializations.version = EXCLUDED.version THEN GREATEST(feature_materializations.watermark, EXCLUDED.watermark) ELSE EXCLUDED.watermark END,
         version = EXCLUDED.version, last_run = EXCLUDED.last_run, updated_at = now()`,
      [view.name, view.version, to, JSON.stringify(run)],
    );
    this.events.publish('ml.features.materialized', { view: view.name, ...run, durationMs: Date.parse(run.finishedAt) - startedAt.getTime() }, view.name);
    return run;
  }
}
