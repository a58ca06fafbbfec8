import type { DataSource } from 'typeorm';
import type { FieldProblem } from '../../platform/errors/app-error';
import type { FeatureViewDefinition } from './feature-view-definition';

export type ColumnKind = 'integer' | 'number' | 'string' | 'bool' | 'time' | 'other';

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
  boolean: 'bool',
  'timestamp without time zone': 'time',
  'timestamp with time zone': 'time',
  date: 'time',
};

/** Schemas no feature view may read: the hub's own tables (keys, tokens) and the catalogs. */
const FORBIDDEN_SCHEMAS = new Set(['mcp_hub', 'pg_catalog', 'information_schema', 'pg_toast']);

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
  const schema = table.split('.')[0];
  if (FORBIDDEN_SCHEMAS.has(schema) || !allowedSchemas.includes(schema)) {
    return [{ field: 'source.table', reason: `schema "${schema}" is not one feature views may read (FEATURE_SOURCE_SCHEMAS: ${allowedSchemas.join(', ')})` }];
  }
  if (!columns) return [{ field: 'source.table', reason: `${table} does not exist or the hub cannot read it` }];
  const known = [...columns.keys()].join(', ');
  const problems: FieldProblem[] = [];
  const missing = (field: string, column: string) => problems.push({ field, reason: `"${column}" is not a column of ${table} (its columns: ${known})` });
  definition.entities.forEach((entity, i) => {
    if (!columns.has(entity)) missing(`entities[${i}]`, entity);
  });
  const time = columns.get(definition.timestampColumn);
  if (!time) missing('timestampColumn', definition.timestampColumn);
  else if (time.kind !== 'time') problems.push({ field: 'timestampColumn', reason: `"${time.name}" is ${time.udt}; it must be a timestamp, timestamptz or date` });
  const names = new Set<string>();
  definition.features.forEach((feature, i) => {
    const field = `features[${i}]`;
    if (names.has(feature.name)) problems.push({ field: `${field}.name`, reason: `"${feature.name}" is defined twice` });
    names.add(feature.name);
    if (definition.entities.includes(feature.name) || feature.name === definition.timestampColumn) problems.push({ field: `${field}.name`, reason: `"${feature.name}" is the name of an entity or timestamp column` });
    const column = columns.get(feature.column);
    if (!column) return missing(`${field}.column`, feature.column);
    if (!FITS[feature.type].includes(column.kind)) problems.push({ field: `${field}.type`, reason: `"${feature.column}" is ${column.udt}, which is not a ${feature.type}` });
    const transform = feature.transform;
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
  return problems;
}
