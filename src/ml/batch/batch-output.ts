import type { OutputFormat } from './batch-prediction.entity';

export const PREDICTION_COLUMN = 'prediction';
export const ROW_COLUMN = 'row';
const PROBABILITY_PREFIX = 'probability_';

/** What one chunk of the model's answer holds: one prediction (and class → probability map, for classifiers) per row. */
export interface ChunkPredictions {
  predictions: (string | number)[];
  probabilities: Record<string, number>[] | null;
}

/**
 * The output's columns: the row number (or the idColumn's value), the prediction, and one
 * probability column per class when the model gives probabilities. Decided once, by the first chunk,
 * and kept for every later chunk and attempt: classes in the signature's order when it names them,
 * otherwise in the order the model answered them.
 */
export function outputColumns(idColumn: string | null, signatureClasses: string[] | null | undefined, first: ChunkPredictions): string[] {
  const answered = first.probabilities?.[0] ? Object.keys(first.probabilities[0]) : null;
  const classes = answered ? (signatureClasses?.length && answered.every((c) => signatureClasses.includes(c)) ? signatureClasses : answered) : [];
  return [idColumn ?? ROW_COLUMN, PREDICTION_COLUMN, ...classes.map((c) => `${PROBABILITY_PREFIX}${c}`)];
}

/** The class a probability column is about, or null for the id and prediction columns. */
const classOf = (column: string, index: number): string | null => (index >= 2 ? column.slice(PROBABILITY_PREFIX.length) : null);

/** The CSV header line; JSON Lines has none. */
export function headerOf(format: OutputFormat, columns: string[]): string {
  return format === 'csv' ? `${columns.map(csvField).join(',')}\n` : '';
}

/**
 * The output lines of one chunk, in input order. `ids` holds the row number or idColumn value of
 * each row. Throws when the model's answer does not fit the columns (a row count or a class that
 * differs from the first chunk's): writing it would break the file.
 */
export function formatChunk(format: OutputFormat, columns: string[], ids: unknown[], result: ChunkPredictions): string {
  if (result.predictions.length !== ids.length) throw new Error(`the model answered ${result.predictions.length} predictions for ${ids.length} rows`);
  const classes = columns.map(classOf);
  const lines: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const probabilities = result.probabilities?.[i] ?? null;
    if (classes.length > 2 && (!probabilities || Object.keys(probabilities).some((c) => !classes.includes(c)))) {
      throw new Error(`row ${i} has probabilities for ${probabilities ? Object.keys(probabilities).join(', ') : 'no class'}, not for the classes of the first chunk (${classes.slice(2).join(', ')})`);
    }
    const values: unknown[] = [ids[i], result.predictions[i], ...classes.slice(2).map((c) => probabilities![c!] ?? null)];
    if (format === 'csv') lines.push(values.map(csvField).join(','));
    else lines.push(JSON.stringify(Object.fromEntries(columns.map((column, index) => [column, values[index] ?? null]))));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
