import type { DataSource } from 'typeorm';
import type { FieldProblem } from '../../platform/errors/app-error';
import { ConflictError } from '../../platform/errors/app-error';
import { DATASET_SOURCE_SCHEMA } from './dataset-source';
import { type FeatureViewDefinition, outputColumns } from './feature-view-definition';

export type ColumnKind = 'integer' | 'number' | 'string' | 'uuid' | 'bool' | 'time' | 'other';

export interface SourceColumn {
  name: string;
  /** The type's name in pg_type (int8, numeric, text, timestamptz…): what entity keys are cast to. */
  udt: string;
  kind: ColumnKind;
}

const KINDS: Record<string, ColumnKind> = {
  smallint: 'integer',
  integer: 'integer',
  bigint: 'integer',
  numeric: 'number',
  real: 'number',
  'double precision': 'number',
  text: 'string',
  'character varying': 'string',
  character: 'string',
  uuid: 'uuid',
  boolean: 'bool',
  'timestamp without time zone': 'time',
  'timestamp with time zone': 'time',
  date: 'time',
};

/** Schemas no feature view may read: the hub's own tables (keys, tokens) and the catalogs. */
const FORBIDDEN_SCHEMAS = new Set(['mcp_hub', 'pg_catalog', 'information_schema', 'pg_toast']);

/** Entity keys the online store can spell the same way on write (PostgreSQL's text) and on read (JSON). */
const ENTITY_KINDS: ColumnKind[] = ['integer', 'string', 'uuid'];
/** Redis takes a hash's fields as script arguments, and Lua's unpack() stops near 8,000 of them. */
export const MAX_OUTPUT_COLUMNS = 1_000;

/** Why the source's schema is out of bounds, or undefined when feature views may read it. */
function schemaProblem(table: string, allowedSchemas: string[]): string | undefined {
  const schema = table.split('.')[0];
  // the hub's own copies of registered datasets, readable like the datasets themselves
  if (schema === DATASET_SOURCE_SCHEMA) return undefined;
  if (FORBIDDEN_SCHEMAS.has(schema) || !allowedSchemas.includes(schema)) return `schema "${schema}" is not one feature views may read (FEATURE_SOURCE_SCHEMAS: ${allowedSchemas.join(', ')})`;
  return undefined;
}

/** Checked at every use, not only at apply: FEATURE_SOURCE_SCHEMAS may have been narrowed since. */
export function assertSourceAllowed(name: string, definition: FeatureViewDefinition, allowedSchemas: string[]): void {
  const problem = schemaProblem(definition.source.table, allowedSchemas);
  if (problem) throw new ConflictError('FEATURE_SOURCE_NOT_ALLOWED', `feature view ${name}: ${problem}`, { view: name, table: definition.source.table });
}

/** The columns of a source table or view, or undefined when the hub cannot see it. */
export async function sourceColumns(dataSource: DataSource, table: string): Promise<Map<string, SourceColumn> | undefined> {
  const [schema, name] = table.split('.');
  const rows: { column_name: string; udt_name: string; data_type: string }[] = await dataSource.query(
    `SELECT column_name, udt_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, name],
  );
  if (rows.length === 0) return undefined;
  return new Map(rows.map((r) => [r.column_name, { name: r.column_name, udt: r.udt_name, kind: KINDS[r.data_type] ?? 'other' }]));
}

const FITS: Record<string, ColumnKind[]> = { float: ['integer', 'number'], int: ['integer'], string: ['string'], bool: ['bool'] };

/** Every way the definition does not fit its source (or the allowed schemas), each naming the field. */
export function definitionProblems(definition: FeatureViewDefinition, columns: Map<string, SourceColumn> | undefined, allowedSchemas: string[]): FieldProblem[] {
  const table = definition.source.table;
  const schemaReason = schemaProblem(table, allowedSchemas);
  if (schemaReason) return [{ field: 'source.table', reason: schemaReason }];
  if (!columns) return [{ field: 'source.table', reason: `${table} does not exist or the hub cannot read it` }];
  const known = [...columns.keys()].join(', ');
  const problems: FieldProblem[] = [];
  const missing = (field: string, column: string) => problems.push({ field, reason: `"${column}" is not a column of ${table} (its columns: ${known})` });
  definition.entities.forEach((entity, i) => {
    const column = columns.get(entity);
    if (!column) missing(`entities[${i}]`, entity);
    else if (!ENTITY_KINDS.includes(column.kind)) problems.push({ field: `entities[${i}]`, reason: `"${entity}" is ${column.udt}; entity keys must be integer, text or uuid columns` });
  });
  const time = columns.get(definition.timestampColumn);
  if (!time) missing('timestampColumn', definition.timestampColumn);
  else if (time.kind !== 'time') problems.push({ field: 'timestampColumn', reason: `"${time.name}" is ${time.udt}; it must be a timestamp, timestamptz or date` });
  const names = new Set<string>();
  definition.features.forEach((feature, i) => {
    const field = `features[${i}]`;
    if (names.has(feature.name)) problems.push({ field: `${field}.name`, reason: `"${feature.name}" is defined twice` });
    names.add(feature.name);
    if (definition.entities.includes(feature.name) || feature.name === definition.timestampColumn || feature.name === 'event_timestamp') {
      problems.push({ field: `${field}.name`, reason: `"${feature.name}" is the name of an entity or timestamp column` });
    }
    if (feature.name.includes('__')) problems.push({ field: `${field}.name`, reason: '"__" is reserved (one-hot columns are <feature>__<category>)' });
    const tooLong = outputColumns(feature).find((c) => c.length > 63);
    if (tooLong) problems.push({ field: `${field}.name`, reason: `column "${tooLong}" is longer than PostgreSQL's 63 characters` });
    const column = columns.get(feature.column);
    if (!column) return missing(`${field}.column`, feature.column);
    const transform = feature.transform;
    if (transform?.kind === 'rolling') {
      if (transform.aggregation !== 'count' && !FITS.float.includes(column.kind)) problems.push({ field: `${field}.column`, reason: `rolling ${transform.aggregation} needs a number column; "${feature.column}" is ${column.udt}` });
      // rows with equal times are ordered by their feature columns, which needs an ordering
      else if (column.kind === 'other') problems.push({ field: `${field}.column`, reason: `rolling count needs a number, text, boolean or time column; "${feature.column}" is ${column.udt}` });
      return void problems.push(...rollingProblems(field, feature.type, transform));
    }
    if (!FITS[feature.type].includes(column.kind)) problems.push({ field: `${field}.type`, reason: `"${feature.column}" is ${column.udt}, which is not a ${feature.type}` });
    if (!transform) return;
    if ((transform.kind === 'log' || transform.kind === 'bucketize') && feature.type !== 'float' && feature.type !== 'int') {
      problems.push({ field: `${field}.transform.kind`, reason: `${transform.kind} needs a float or int feature` });
    }
    if (transform.kind === 'bucketize' && !(transform.boundaries?.length && transform.boundaries.every((b, j) => j === 0 || b > transform.boundaries[j - 1]))) {
      problems.push({ field: `${field}.transform.boundaries`, reason: 'bucketize needs boundaries in ascending order' });
    }
    if (transform.kind === 'one-hot' && !transform.categories?.length) problems.push({ field: `${field}.transform.categories`, reason: 'one-hot needs categories' });
    if (transform.kind === 'one-hot' && feature.type !== 'string' && feature.type !== 'int') problems.push({ field: `${field}.transform.kind`, reason: 'one-hot needs a string or int feature' });
  });
  const outputs = definition.features.flatMap(outputColumns).length;
  if (outputs > MAX_OUTPUT_COLUMNS) problems.push({ field: 'features', reason: `${outputs} output columns; at most ${MAX_OUTPUT_COLUMNS}` });
  return problems;
}

function rollingProblems(field: string, type: string, transform: { aggregation?: string; windowSeconds?: number }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!transform.aggregation) problems.push({ field: `${field}.transform.aggregation`, reason: 'rolling needs an aggregation: count, sum, mean, min or max' });
  if (!transform.windowSeconds) problems.push({ field: `${field}.transform.windowSeconds`, reason: 'rolling needs windowSeconds' });
  const wanted = transform.aggregation === 'count' ? 'int' : 'float';
  if (transform.aggregation && type !== wanted) problems.push({ field: `${field}.type`, reason: `rolling ${transform.aggregation} gives a ${wanted}` });
  return problems;
}
