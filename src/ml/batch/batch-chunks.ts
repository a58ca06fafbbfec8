import type { FieldProblem } from '../../platform/errors/app-error';
import { isMissing } from '../datasets/dataset-profile';
import type { DatasetFormat, RawRow } from '../datasets/table-reader';
import type { OutputFormat } from './batch-prediction.entity';

/** [first part, attempt] pairs in part order: parts from `first` on were written by `attempt`. */
export type PartAttempts = [number, number][];

export const partsPrefix = (jobId: string) => `batch/${jobId}/`;

/** Where part `index`, written by `attempt`, lives in the ArtifactStore. */
export const partKey = (jobId: string, index: number, attempt: number, format: OutputFormat) => `${partsPrefix(jobId)}part-${String(index).padStart(6, '0')}.a${attempt}.${format}`;

/** The attempt that started at `parts` takes over every part from there on. */
export function withAttempt(partAttempts: PartAttempts, parts: number, attempt: number): PartAttempts {
  return [...partAttempts.filter(([first]) => first < parts), [parts, attempt]];
}

/** The keys of the committed parts 0..parts-1, in output order. */
export function committedPartKeys(jobId: string, parts: number, partAttempts: PartAttempts, format: OutputFormat): string[] {
  const keys: string[] = [];
  for (let index = 0; index < parts; index++) {
    const owner = partAttempts.filter(([first]) => first <= index).pop();
    if (!owner) throw new Error(`part ${index} of batch prediction ${jobId} has no attempt recorded`);
    keys.push(partKey(jobId, index, owner[1], format));
  }
  return keys;
}

export interface Chunk {
  /** 1-based number of the chunk's first row in the input (the header line of a CSV not counted). */
  firstRow: number;
  /** The rows as the model is sent them. */
  rows: Record<string, unknown>[];
  /** The row number or idColumn value of each row, as the output shows it. */
  ids: unknown[];
}

/** How an input row becomes what a chunk holds: the model's row, and the id the output shows. */
export interface RowShape {
  toModel(row: RawRow): Record<string, unknown>;
  /** `number` is the row's 1-based number in the input. */
  idOf(row: RawRow, number: number): unknown;
}

/**
 * The input in chunks of `size` rows, after skipping the `skip` rows earlier attempts committed.
 * Each row is shaped as it is read, so the parsed row is garbage at once instead of waiting in the
 * chunk (and being promoted to the old heap) while the chunk fills and the model works.
 */
export async function* chunksOf(rows: AsyncIterable<RawRow>, size: number, skip: number, shape: RowShape): AsyncGenerator<Chunk> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, not ${size}`);
  let seen = 0;
  let chunk: Chunk = { firstRow: skip + 1, rows: [], ids: [] };
  for await (const row of rows) {
    seen++;
    if (seen <= skip) continue;
    chunk.rows.push(shape.toModel(row));
    chunk.ids.push(shape.idOf(row, seen));
    if (chunk.rows.length === size) {
      yield chunk;
      chunk = { firstRow: seen + 1, rows: [], ids: [] };
    }
  }
  if (seen < skip) throw new InputShrankError(skip, seen);
  if (chunk.rows.length) yield chunk;
}

/** The shape of a job's rows: the signature's columns typed for the model; the idColumn value or the row number as id. */
export function rowShape(inputs: { name: string; type: string }[], format: DatasetFormat, idColumn: string | null): RowShape {
  return {
    toModel: (row) => modelRow(row, inputs, format),
    idOf: idColumn ? (row) => row[idColumn] ?? null : (_row, number) => number,
  };
}

export class InputShrankError extends Error {
  constructor(committed: number, found: number) {
    super(`the input now has ${found} rows, fewer than the ${committed} already predicted`);
  }
}

/**
 * One input row as the model is sent it: only the signature's columns (an id or target column in
 * the file is not a feature), and CSV text turned into the signature's types ("5.1" → 5.1, "true" →
 * true, "" / NA → null). Text that does not parse stays text, so the model's own validation names it.
 * JSON Lines values keep the types they were written with.
 */
export function modelRow(raw: RawRow, inputs: { name: string; type: string }[], format: DatasetFormat): Record<string, unknown> {
  if (!inputs.length) return { ...raw };
  const row: Record<string, unknown> = {};
  for (const { name, type } of inputs) {
    if (!Object.hasOwn(raw, name)) continue;
    const value = raw[name];
    row[name] = format === 'csv' && typeof value === 'string' ? fromText(value, type) : value;
  }
  return row;
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function fromText(value: string, type: string): unknown {
  // the common case first: a number in a numeric column, without the string copies the missing-value check makes
  if ((type === 'number' || type === 'integer') && NUMBER.test(value)) return Number(value);
  if (isMissing(value)) return null;
  if (type === 'boolean' && /^\s*(true|false)\s*$/i.test(value)) return value.trim().toLowerCase() === 'true';
  return value;
}

/**
 * A row the model refused, said in the input's terms: the model names `instances[i].column`; the
 * job names the input row number (and its id) so the row can be found in the file.
 */
export function badRowMessage(problems: FieldProblem[], chunk: Chunk, idColumn: string | null): string {
  const [first] = problems;
  const match = /^instances\[(\d+)\](?:\.(.+))?$/.exec(first?.field ?? '');
  if (!match) return `the model refused chunk at row ${chunk.firstRow}: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`;
  const index = Number(match[1]);
  const id = idColumn && index < chunk.ids.length ? ` (${idColumn}=${String(chunk.ids[index])})` : '';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} in this chunk)` : '';
  return `input row ${chunk.firstRow + index}${id}${match[2] ? `, column "${match[2]}"` : ''}: ${first.reason}${more}`;
}

/** Done fraction, 0 to 1; 0 while the total is not known yet. */
export function progressOf(rowsDone: number, rowsTotal: number | null): number {
  if (!rowsTotal) return rowsTotal === 0 ? 1 : 0;
  return Math.min(1, rowsDone / rowsTotal);
}
