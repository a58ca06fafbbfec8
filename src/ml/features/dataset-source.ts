import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { escapeIdentifier as id } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { ColumnType } from '../datasets/dataset-profile';
import { Dataset } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import { readRows } from '../datasets/table-reader';
import { csvChunks } from './copy-csv';
import { inUtcTransaction } from './utc-transaction';

/** The schema of the tables the hub loads datasets into for feature views; the migrations create it. */
export const DATASET_SOURCE_SCHEMA = 'feature_data';

const PG_TYPES: Record<ColumnType, string> = { integer: 'bigint', number: 'double precision', boolean: 'boolean', string: 'text' };
/** Text that PostgreSQL reads as a timestamptz: an ISO 8601 date or date-time, with or without an offset. */
const ISO_TIME = String.raw`^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$`;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** The table exists: another apply loaded the same dataset first (42P07, or 23505 when both created it at once). */
const DUPLICATE_TABLE = new Set(['42P07', '23505']);

/**
 * A registered dataset as a feature view's source: loaded once (datasets do not change) into a table
 * of schema feature_data, its columns typed from the dataset's profile, and text columns that hold
 * only ISO 8601 times typed timestamptz (read as UTC when they carry no offset).
 */
@Injectable()
export class DatasetSource {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly datasets: DatasetsService,
  ) {}

  /** The table (schema.table) holding the dataset's rows, loading it first when needed. */
  async tableFor(idOrName: string): Promise<{ table: string; dataset: Dataset }> {
    const dataset = await this.datasets.get(idOrName).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new ValidationFailedError([{ field: 'source.dataset', reason: `no dataset with id or name "${idOrName}"` }]);
      throw error;
    });
    const name = `ds_${dataset.id.replace(/-/g, '')}`;
    const table = `${DATASET_SOURCE_SCHEMA}.${name}`;
    const [{ exists }] = (await this.dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table])) as [{ exists: boolean }];
    if (!exists) await this.load(dataset, name);
    return { table, dataset };
  }

  private async load(dataset: Dataset, name: string): Promise<void> {
    const bad = dataset.columns.find((c) => !COLUMN_NAME.test(c.name));
    if (bad) throw new ValidationFailedError([{ field: 'source.dataset', reason: `column "${bad.name}" of ${dataset.name} is no SQL name (letters, digits and "_", at most 63)` }]);
    const file = await this.datasets.localCopy(dataset);
    const target = `${id(DATASET_SOURCE_SCHEMA)}.${id(name)}`;
    const columns = dataset.columns.map((c) => c.name);
    try {
      await inUtcTransaction(this.dataSource, async (client) => {
        await client.query(`CREATE TABLE ${target} (${dataset.columns.map((c) => `${id(c.name)} ${PG_TYPES[c.type]}`).join(', ')})`);
        await pipeline(Readable.from(csvChunks(readRows(file, dataset.format), (row) => columns.map((c) => row[c]))), client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT csv)`)));
        for (const column of dataset.columns.filter((c) => c.type === 'string')) {
          const { rows } = await client.query<{ times: boolean }>(`SELECT coalesce(bool_and(${id(column.name)} ~ $1), false) AS times FROM ${target}`, [ISO_TIME]);
          if (!rows[0].times) continue;
          // shaped like times but not all of them are (2026-02-30): the column stays text
          await client.query('SAVEPOINT typed');
          await client
            .query(`ALTER TABLE ${target} ALTER COLUMN ${id(column.name)} TYPE timestamptz USING ${id(column.name)}::timestamptz`)
            .then(() => client.query('RELEASE SAVEPOINT typed'))
            .catch(() => client.query('ROLLBACK TO SAVEPOINT typed'));
        }
        await client.query(`ANALYZE ${target}`);
      });
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (DUPLICATE_TABLE.has(code)) return;
      // 22xxx: a value that does not fit the type the dataset's profile gave its column
      if (code.startsWith('22')) throw new ValidationFailedError([{ field: 'source.dataset', reason: `${dataset.name} does not load into PostgreSQL: ${(error as Error).message}` }]);
      throw error;
    }
  }
}
