import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

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
  for await (const batch of readRowBatches(file, format, onBytes)) yield* batch;
}

/**
 * The same rows in batches, as many as one read of the file yields (a few thousand): one await per
 * batch instead of one per row, for callers that go through millions of rows.
 */
export async function* readRowBatches(file: string | FileHandle | Readable, format: DatasetFormat, onBytes?: (chunk: Buffer) => void): AsyncGenerator<RawRow[]> {
  const source: Readable = typeof file === 'string' ? createReadStream(file) : file instanceof Readable ? file : file.createReadStream({ start: 0, autoClose: false });
  if (onBytes) source.on('data', (chunk: Buffer) => onBytes(chunk));
  try {
    yield* format === 'csv' ? csvRows(source) : jsonLines(source);
  } finally {
    source.destroy();
  }
}

async function* csvRows(source: Readable): AsyncGenerator<RawRow[]> {
  // pipeline, not pipe: a read error reaches the parser (and so the caller) instead of leaving it waiting.
  // Records come as arrays and are named here: csv-parse's own `columns` mode takes twice as long.
  const parser = pipeline(source, parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }), () => undefined);
  let header: string[] | undefined;
  try {
    for await (const records of batchesOf<string[]>(parser)) {
      const rows: RawRow[] = [];
      for (const record of records) {
        if (!header) {
          header = record;
          continue;
        }
        const row: RawRow = {};
        for (let i = 0; i < header.length; i++) row[header[i]] = record[i];
        rows.push(row);
      }
      if (rows.length) yield rows;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall) throw error; // the file could not be read: not a format problem
    throw new TableFormatError(`CSV: ${(error as Error).message}`);
  }
}

async function* jsonLines(source: Readable): AsyncGenerator<RawRow[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let number = 0;
  const rowsOf = (lines: string[]) => {
    const rows: RawRow[] = [];
    for (const line of lines) {
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
      rows.push(row);
    }
    return rows;
  };
  for await (const chunk of source) {
    const text = rest + decoder.write(chunk as Buffer);
    // a \r at the end may be the first half of a \r\n: it waits for the next chunk
    const held = text.endsWith('\r') ? 1 : 0;
    const lines = text.slice(0, text.length - held).split(LINE_BREAK);
    rest = lines.pop()! + (held ? '\r' : '');
    const rows = rowsOf(lines);
    if (rows.length) yield rows;
  }
  const rows = rowsOf((rest + decoder.end()).split(LINE_BREAK).filter((line, i, all) => i < all.length - 1 || line !== ''));
  if (rows.length) yield rows;
}

/** Line ends as readline knows them: \n, \r\n or a lone \r. */
const LINE_BREAK = /\r\n|\n|\r/;

/** What an object-mode stream holds, drained synchronously each time it has something: one await per batch. */
async function* batchesOf<T>(stream: Readable): AsyncGenerator<T[]> {
  for (;;) {
    const batch: T[] = [];
    let item: T | null;
    while ((item = stream.read() as T | null) !== null) batch.push(item);
    if (batch.length) yield batch;
    if (stream.readableEnded) return;
    if (stream.errored) throw stream.errored;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        stream.off('readable', onReadable).off('end', onEnd).off('error', done).off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onReadable = () => done();
      const onEnd = () => done();
      // destroyed without an error or an end: nothing more will come
      const onClose = () => done(stream.errored ?? (stream.readableEnded ? undefined : new Error('the stream closed before its end')));
      stream.on('readable', onReadable).on('end', onEnd).on('error', done).on('close', onClose);
    });
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
