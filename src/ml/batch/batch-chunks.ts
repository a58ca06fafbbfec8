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
  rows: RawRow[];
}

/** The input in chunks of `size` rows, after skipping the `skip` rows earlier attempts committed. */
export async function* chunksOf(rows: AsyncIterable<RawRow>, size: number, skip = 0): AsyncGenerator<Chunk> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, not ${size}`);
  let seen = 0;
  let chunk: RawRow[] = [];
  for await (const row of rows) {
    seen++;
    if (seen <= skip) continue;
    chunk.push(row);
    if (chunk.length === size) {
      yield { firstRow: seen - size + 1, rows: chunk };
      chunk = [];
    }
  }
  if (seen < skip) throw new InputShrankError(skip, seen);
  if (chunk.length) yield { firstRow: seen - chunk.length + 1, rows: chunk };
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

/** The row number or idColumn value of each row of a chunk, as the output shows it. */
export function idsOf(chunk: Chunk, idColumn: string | null): unknown[] {
  return chunk.rows.map((row, i) => (idColumn ? (row[idColumn] ?? null) : chunk.firstRow + i));
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
  const id = idColumn && chunk.rows[index] ? ` (${idColumn}=${String(chunk.rows[index][idColumn])})` : '';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} in this chunk)` : '';
  return `input row ${chunk.firstRow + index}${id}${match[2] ? `, column "${match[2]}"` : ''}: ${first.reason}${more}`;
}

/** Done fraction, 0 to 1; 0 while the total is not known yet. */
export function progressOf(rowsDone: number, rowsTotal: number | null): number {
  if (!rowsTotal) return rowsTotal === 0 ? 1 : 0;
  return Math.min(1, rowsDone / rowsTotal);
}
