import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline, Readable } from 'node:stream';

export type DatasetFormat = 'csv' | 'jsonl';
export type RawValue = string | number | boolean | null;
export type RawRow = Record<string, RawValue>;

export class TableFormatError extends Error {}

/**
 * Rows of a CSV (header line first) or JSON Lines file, streamed from a path, from an open handle
 * (read from its start; the caller closes it) or from a byte stream. CSV values stay strings.
 * `onBytes` sees every chunk read, so a caller can hash the file in the same pass.
 */
export async function* readRows(file: string | FileHandle | Readable, format: DatasetFormat, onBytes?: (chunk: Buffer) => void): AsyncGenerator<RawRow> {
  const source: Readable = typeof file === 'string' ? createReadStream(file) : file instanceof Readable ? file : file.createReadStream({ start: 0, autoClose: false });
  if (onBytes) source.on('data', (chunk: Buffer) => onBytes(chunk));
  try {
    yield* format === 'csv' ? csvRows(source) : jsonLines(source);
  } finally {
    source.destroy();
  }
}

async function* csvRows(source: NodeJS.ReadableStream): AsyncGenerator<RawRow> {
  // pipeline, not pipe: a read error reaches the parser (and so the caller) instead of leaving it waiting.
  // Records come as arrays and are named here: csv-parse's own `columns` mode takes twice as long.
  const parser = pipeline(source, parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }), () => undefined);
  let header: string[] | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record;
        continue;
      }
      const row: RawRow = {};
      for (let i = 0; i < header.length; i++) row[header[i]] = record[i];
      yield row;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall) throw error; // the file could not be read: not a format problem
    throw new TableFormatError(`CSV: ${(error as Error).message}`);
  }
}

async function* jsonLines(source: NodeJS.ReadableStream): AsyncGenerator<RawRow> {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new TableFormatError(`JSON Lines: line ${number} is not JSON (${(error as Error).message})`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TableFormatError(`JSON Lines: line ${number} is not an object`);
    const row: RawRow = {};
    for (const [key, v] of Object.entries(value)) row[key] = v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as RawValue) : JSON.stringify(v);
    yield row;
  }
}

export async function readAllRows(path: string, format: DatasetFormat): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const row of readRows(path, format)) rows.push(row);
  return rows;
}

export function formatOf(path: string): DatasetFormat | null {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  return null;
}
