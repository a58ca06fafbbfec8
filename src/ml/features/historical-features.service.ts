import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { escapeIdentifier as id } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../platform/config/app-config';
import { FieldProblem, ValidationFailedError } from '../../platform/errors/app-error';
import { Dataset } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import { csvChunks } from './copy-csv';
import { profiledCopy } from './profiled-copy';
import { DatasetProfiler } from '../datasets/dataset-profile';
import { parseEventTime } from './event-time';
import { assertSourceAllowed, sourceColumns } from './feature-source';
import { outputColumns, parseFeatureRef } from './feature-view-definition';
import { FeatureViewsService } from './feature-views.service';
import { HistoricalFeaturesDto } from './feature-view.dto';
import { PointInTimeView, pointInTimeQuery } from './point-in-time-query';
import { inUtcTransaction } from './utc-transaction';

const EVENT_TIMESTAMP = 'event_timestamp';
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** pg errors of a value that does not fit its column's type: an entity key that is not a number, a bad timestamp. */
const BAD_VALUE_CODES = new Set(['22P02', '22007', '22008', '22003']);

/**
 * `get_historical_features`: entity rows (inline or a dataset) go into a temporary table, one SQL
 * statement joins each to its features as of its event time (point-in-time correct), and PostgreSQL
 * streams the result as CSV into a new dataset. Hub memory holds a chunk of rows at a time.
 */
@Injectable()
export class HistoricalFeaturesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly views: FeatureViewsService,
    private readonly datasets: DatasetsService,
    private readonly config: AppConfig,
  ) {}

  async retrieve(dto: HistoricalFeaturesDto): Promise<Dataset> {
    const { rows, dataset } = dto.entityRows;
    if ((rows === undefined) === (dataset === undefined)) throw new ValidationFailedError([{ field: 'entityRows', reason: 'give exactly one of dataset and rows' }]);
    const views = await this.resolve(dto.features);
    const name = dto.name ?? `features-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await this.datasets.assertNameFree(name);
    const source = rows ? { rows: rows as Record<string, unknown>[], label: 'inline', verify: () => undefined } : await this.datasetRows(dataset!);
    const first = await firstRow(source.rows);
    if (!first) throw new ValidationFailedError([{ field: 'entityRows', reason: 'holds no rows' }]);
    const path = resolve(this.config.datasets.dir, 'features', `${uuidv7()}.csv`);
    try {
      const columns = Object.keys(first.value).filter((c) => c !== EVENT_TIMESTAMP);
      this.checkColumns(columns, Object.keys(first.value), views);
      await mkdir(dirname(path), { recursive: true });
      const written = await this.writeResult(first.rows, columns, views, path, source.verify);
      const lineage = {
        kind: 'historical-features',
        entityRows: source.label,
        featureViews: views.map((v) => ({ name: v.name, version: v.version, features: v.features.map((f) => f.name) })),
      };
      return await this.datasets.registerWritten(path, name, 'csv', written, lineage);
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    } finally {
      // a dataset's file stays open until its reader is told to stop
      await first.close();
    }
  }

  /** "view[@version]:feature" → the views and, of each, the features asked; 400 naming each unknown one. */
  private async resolve(references: string[]): Promise<PointInTimeView[]> {
    const problems: FieldProblem[] = [];
    const byView = new Map<string, PointInTimeView>();
    for (const [i, reference] of references.entries()) {
      const { view: name, version, feature } = parseFeatureRef(reference);
      const key = `${name}@${version ?? ''}`;
      let view = byView.get(key);
      if (!view) {
        const stored = await this.views.get(name, version).catch(() => undefined);
        if (!stored) {
          problems.push({ field: `features[${i}]`, reason: `no feature view ${version ? `${name} version ${version}` : name}` });
          continue;
        }
        assertSourceAllowed(name, stored.definition, this.config.features.sourceSchemas);
        const columns = await sourceColumns(this.dataSource, stored.definition.source.table);
        if (!columns) {
          problems.push({ field: `features[${i}]`, reason: `the source ${stored.definition.source.table} of ${name} is gone` });
          continue;
        }
        const entityTypes = Object.fromEntries(stored.definition.entities.map((e) => [e, columns.get(e)?.udt ?? 'text']));
        view = { name, version: stored.version, definition: stored.definition, entityTypes, features: [] };
        byView.set(key, view);
      }
      const definition = view.definition.features.find((f) => f.name === feature);
      if (!definition) problems.push({ field: `features[${i}]`, reason: `${name} version ${view.version} has no feature "${feature}" (it has ${view.definition.features.map((f) => f.name).join(', ')})` });
      else view.features.push(definition);
    }
    if (problems.length > 0) throw new ValidationFailedError(problems);
    return [...byView.values()];
  }

  private checkColumns(columns: string[], all: string[], views: PointInTimeView[]): void {
    const problems: FieldProblem[] = [];
    if (!all.includes(EVENT_TIMESTAMP)) problems.push({ field: `entityRows.${EVENT_TIMESTAMP}`, reason: 'every row needs the time its features are wanted for' });
    for (const column of columns) {
      if (!COLUMN_NAME.test(column)) problems.push({ field: `entityRows.${column}`, reason: 'column names must be letters, digits and "_", at most 63 characters' });
      else if (column.startsWith('__')) problems.push({ field: `entityRows.${column}`, reason: 'names starting with "__" are reserved' });
    }
    for (const view of views) {
      for (const entity of view.definition.entities) if (!columns.includes(entity)) problems.push({ field: `entityRows.${entity}`, reason: `${view.name} is keyed by ${view.definition.entities.join(', ')}` });
    }
    const seen = new Map(columns.map((c) => [c, 'the entity rows']));
    for (const view of views) {
      for (const column of view.features.flatMap(outputColumns)) {
        if (seen.has(column)) problems.push({ field: 'features', reason: `column "${column}" of ${view.name} clashes with one of ${seen.get(column)}` });
        seen.set(column, view.name);
      }
    }
    if (problems.length > 0) throw new ValidationFailedError(problems);
  }

  private async datasetRows(idOrName: string): Promise<{ rows: AsyncIterable<Record<string, unknown>>; label: string; verify(): void }> {
    const dataset = await this.datasets.get(idOrName).catch(() => {
      throw new ValidationFailedError([{ field: 'entityRows.dataset', reason: `no dataset "${idOrName}"` }]);
    });
    return { ...(await this.datasets.readVerified(dataset)), label: dataset.id };
  }

  /**
   * The entity rows go in (their dataset's hash checked on the way: a changed file rolls back), the
   * joined rows come out into the file, hashed and profiled as they pass, so the result is registered
   * without reading it again.
   */
  private async writeResult(rows: AsyncIterable<Record<string, unknown>>, columns: string[], views: PointInTimeView[], path: string, verify: () => void): Promise<{ sha256: string; sizeBytes: number; profiler: DatasetProfiler }> {
    try {
      return await inUtcTransaction(this.dataSource, async (client) => {
        await client.query(`CREATE TEMP TABLE feature_entities (${columns.map((c) => `${id(c)} text`).join(', ')}, event_timestamp timestamptz NOT NULL, __row bigint NOT NULL) ON COMMIT DROP`);
        await pipeline(Readable.from(csvChunks(rows, entityFields(columns))), client.query(copyFrom(`COPY feature_entities (${[...columns.map(id), 'event_timestamp', '__row'].join(', ')}) FROM STDIN WITH (FORMAT csv)`)));
        verify();
        const query = pointInTimeQuery('feature_entities', [...columns, EVENT_TIMESTAMP], views);
        return profiledCopy(client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER true)`)), path);
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && BAD_VALUE_CODES.has(code)) throw new ValidationFailedError([{ field: 'entityRows', reason: `a value does not fit its column: ${(error as Error).message}` }]);
      throw error;
    }
  }
}

/** The first row, every row (the first included) as one iterable, and how to stop the source early. */
async function firstRow(
  rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
): Promise<{ value: Record<string, unknown>; rows: AsyncIterable<Record<string, unknown>>; close: () => Promise<void> } | undefined> {
  const iterator = (Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : (rows as Iterable<Record<string, unknown>>)[Symbol.iterator]()) as AsyncIterator<Record<string, unknown>> | Iterator<Record<string, unknown>>;
  let done = false;
  const close = async () => {
    if (done) return;
    done = true;
    await iterator.return?.();
  };
  const head = await iterator.next();
  if (head.done) return undefined;
  async function* all(): AsyncGenerator<Record<string, unknown>> {
    yield head.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    done = true;
  }
  return { value: head.value, rows: all(), close };
}

/** The fields of one entity row for COPY; a row without a readable event_timestamp is a 400 naming its index. */
function entityFields(columns: string[]) {
  return (row: Record<string, unknown>, index: number): unknown[] => {
    const time = row[EVENT_TIMESTAMP];
    const at = parseEventTime(time);
    if (!at) throw new ValidationFailedError([{ field: `entityRows[${index}].${EVENT_TIMESTAMP}`, reason: `${JSON.stringify(time ?? null)} is not a time (ISO 8601, e.g. 2026-11-20T10:00:00Z)` }]);
    return [...columns.map((c) => row[c]), at.toISOString(), index];
  };
}
