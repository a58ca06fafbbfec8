const ROWS_PER_CHUNK = 5_000;

/** One value as a CSV field for COPY … WITH (FORMAT csv): empty (NULL) for null, undefined and "". */
export function csvField(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}

/** Rows as CSV text for COPY … FROM STDIN, a few thousand lines per chunk; `fields` gives a row's values (it may throw to stop). */
export async function* csvChunks<T>(rows: AsyncIterable<T>, fields: (row: T, index: number) => unknown[]): AsyncGenerator<string> {
  let chunk: string[] = [];
  let index = 0;
  for await (const row of rows) {
    chunk.push(`${fields(row, index++).map(csvField).join(',')}\n`);
    if (chunk.length >= ROWS_PER_CHUNK) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}
