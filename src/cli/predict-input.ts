import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';

export type Row = Record<string, unknown>;

const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `--json`: one row object, or a list of them. */
export function rowsFromJson(text: string, where = '--json'): Row[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not JSON (${(error as Error).message}); expected a row such as '{"sepal_length": 5.1, ...}' or a list of rows`);
  }
  const rows = Array.isArray(value) ? value : [value];
  const bad = rows.findIndex((row) => !isRow(row));
  if (bad >= 0) throw new Error(`${where}${Array.isArray(value) ? `: item ${bad}` : ''} is not an object of column → value`);
  if (!rows.length) throw new Error(`${where} holds no rows`);
  return rows as Row[];
}

/** One line of a JSON Lines file: a row object; null for a blank line. */
export function rowFromLine(line: string, where: string): Row | null {
  if (!line.trim()) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
  if (!isRow(value)) throw new Error(`${where}: not an object of column → value`);
  return value;
}

/**
 * A row number in a 400 for one chunk, counted from the start of the input instead:
 * `instances[3].petal_width` in the chunk starting at row 1000 is `instances[1003].petal_width`.
 */
export function shiftRowIndexes(message: string, offset: number): string {
  return offset === 0 ? message : message.replace(/\binstances\[(\d+)\]/g, (_, index: string) => `instances[${offset + Number(index)}]`);
}

export interface Chunk {
  rows: Row[];
  /** Index of the chunk's first row in the whole input. */
  offset: number;
  /** Share of the input read so far, when its size is known. */
  fraction: number | null;
}

/**
 * Rows of a JSON Lines file (or stdin for "-"), `size` at a time, read as they are sent: memory holds
 * one chunk whatever the file's length. A `.json` file is read whole (a list of rows).
 */
export async function* chunksOf(path: string, size: number): AsyncGenerator<Chunk> {
  if (path.endsWith('.json')) {
    const rows = rowsFromJson(await readFile(path, 'utf8'), path);
    for (let offset = 0; offset < rows.length; offset += size) yield { rows: rows.slice(offset, offset + size), offset, fraction: Math.min(1, (offset + size) / rows.length) };
    return;
  }
  const stdin = path === '-';
  const total = stdin ? null : (await stat(path)).size;
  const stream = stdin ? process.stdin : createReadStream(path);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const name = stdin ? 'stdin' : path;
  let rows: Row[] = [];
  let offset = 0;
  let line = 0;
  const fraction = () => (total ? Math.min(1, (stream as { bytesRead?: number }).bytesRead! / total) : null);
  for await (const text of lines) {
    const row = rowFromLine(text, `${name} line ${++line}`);
    if (!row) continue;
    rows.push(row);
    if (rows.length === size) {
      yield { rows, offset, fraction: fraction() };
      offset += rows.length;
      rows = [];
    }
  }
  if (rows.length) yield { rows, offset, fraction: total === null ? null : 1 };
  else if (offset === 0) throw new Error(`${name} holds no rows; expected one JSON object per line`);
}
