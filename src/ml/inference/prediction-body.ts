import { FieldProblem, ValidationFailedError } from '../../platform/errors/app-error';
import { InputRow } from './model-predictor';
import { isPlainObject } from '../../platform/plain-object';

/** The body shapes a prediction accepts: the hub's own and MLflow's scoring-server ones. */
export const BODY_SHAPES = ['instances', 'dataframe_records', 'dataframe_split', 'inputs'] as const;

export interface ParsedRows {
  rows: InputRow[];
  /** How the body named row i's column, for error messages: `instances[2].petal_length`, `dataframe_split.data[2]` ... */
  fieldOf(row: number, column?: string): string;
}

const fail = (field: string, reason: string): never => {
  throw new ValidationFailedError([{ field, reason }]);
};

/** How rows sent as a list of objects under `shape` are named in errors: `instances[2].petal_length`. */
export const recordFieldOf =
  (shape: string) =>
  (row: number, column?: string): string =>
    `${shape}[${row}]${column === undefined ? '' : `.${column}`}`;

const SHAPES_HINT = 'a list of row objects in instances, or MLflow\'s dataframe_records, dataframe_split {columns, data} or inputs';

/**
 * Rows from a prediction body: `{"instances": [{col: value}]}`, `{"dataframe_records": [...]}`,
 * `{"dataframe_split": {"columns": [...], "data": [[...]]}}` or `{"inputs": [...] | {col: [values]}}`.
 * Exactly one shape; at least one and at most maxRows rows.
 */
export function parsePredictionBody(body: unknown, maxRows: number): ParsedRows {
  if (!isPlainObject(body)) return fail('instances', `the body must be a JSON object with ${SHAPES_HINT}`);
  const given = BODY_SHAPES.filter((shape) => body[shape] !== undefined);
  if (given.length === 0) return fail('instances', `give the rows as ${SHAPES_HINT}`);
  if (given.length > 1) return fail(given[1], `give only one of ${given.join(', ')}`);
  const shape = given[0];
  const value = body[shape];
  let parsed: ParsedRows;
  if (shape === 'dataframe_split') parsed = fromSplit(value);
  else if (shape === 'inputs' && isPlainObject(value)) parsed = fromColumns(value, 'inputs');
  else parsed = fromRecords(value, shape);
  if (parsed.rows.length === 0) fail(shape, 'holds no rows; send at least one');
  if (parsed.rows.length > maxRows) fail(shape, `holds ${parsed.rows.length} rows; at most ${maxRows} per request (SERVING_MAX_ROWS); use a batch prediction for more`);
  return parsed;
}

function fromRecords(value: unknown, shape: string): ParsedRows {
  if (!Array.isArray(value)) return fail(shape, 'must be a list of row objects (column → value)');
  const bad = value.findIndex((row) => !isPlainObject(row));
  if (bad >= 0) fail(`${shape}[${bad}]`, 'must be an object of column → value');
  return { rows: value as InputRow[], fieldOf: recordFieldOf(shape) };
}

function fromSplit(value: unknown): ParsedRows {
  if (!isPlainObject(value)) return fail('dataframe_split', 'must be an object {columns: [...], data: [[...], ...]}');
  const { columns, data } = value;
  if (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string')) return fail('dataframe_split.columns', 'must be a list of column names');
  const names = columns as string[];
  const duplicate = names.find((c, i) => names.indexOf(c) !== i);
  if (duplicate !== undefined) fail('dataframe_split.columns', `names "${duplicate}" twice`);
  if (!Array.isArray(data)) return fail('dataframe_split.data', 'must be a list of rows, each a list of values in the order of columns');
  const rows = data.map((row, i) => {
    if (!Array.isArray(row)) return fail(`dataframe_split.data[${i}]`, 'must be a list of values in the order of columns');
    if (row.length !== names.length) fail(`dataframe_split.data[${i}]`, `has ${row.length} values for ${names.length} columns`);
    return Object.fromEntries(names.map((name, j) => [name, row[j]]));
  });
  return { rows, fieldOf: (row, column) => `dataframe_split.data[${row}]${column === undefined ? '' : `.${column}`}` };
}

function fromColumns(value: Record<string, unknown>, shape: string): ParsedRows {
  const entries = Object.entries(value);
  const problems: FieldProblem[] = [];
  for (const [name, values] of entries) if (!Array.isArray(values)) problems.push({ field: `${shape}.${name}`, reason: 'must be a list of values, one per row' });
  if (problems.length) throw new ValidationFailedError(problems);
  const lengths = entries.map(([, values]) => (values as unknown[]).length);
  const uneven = lengths.findIndex((n) => n !== lengths[0]);
  if (uneven > 0) fail(`${shape}.${entries[uneven][0]}`, `has ${lengths[uneven]} values; ${shape}.${entries[0][0]} has ${lengths[0]}`);
  const count = lengths[0] ?? 0;
  const rows: InputRow[] = Array.from({ length: count }, (_, i) => Object.fromEntries(entries.map(([name, values]) => [name, (values as unknown[])[i]])));
  return { rows, fieldOf: (row, column) => (column === undefined ? `${shape}[${row}]` : `${shape}.${column}[${row}]`) };
}
