import type { Predictions } from '../inference/model-predictor';
import type { OutputFormat } from './batch-prediction.entity';

export const PREDICTION_COLUMN = 'prediction';
export const ROW_COLUMN = 'row';
const PROBABILITY_PREFIX = 'probability_';

/**
 * The output's columns: the row number (or the idColumn's value), the prediction, and one
 * probability column per class when the model gives probabilities. Decided once, by the first chunk,
 * and kept for every later chunk and attempt: classes in the signature's order when it names them,
 * otherwise in the order the model answered them.
 */
export function outputColumns(idColumn: string | null, signatureClasses: string[] | null | undefined, first: Predictions): string[] {
  const answered = first.probabilities?.[0] ? Object.keys(first.probabilities[0]) : null;
  const classes = answered ? (signatureClasses?.length && answered.every((c) => signatureClasses.includes(c)) ? signatureClasses : answered) : [];
  return [idColumn ?? ROW_COLUMN, PREDICTION_COLUMN, ...classes.map((c) => `${PROBABILITY_PREFIX}${c}`)];
}

/** The CSV header line; JSON Lines has none. */
export function headerOf(format: OutputFormat, columns: string[]): string {
  return format === 'csv' ? `${columns.map(csvField).join(',')}\n` : '';
}

/**
 * The output lines of one chunk, in input order. `ids` holds the row number or idColumn value of
 * each row. Throws when the model's answer does not fit the columns (a row count or a class that
 * differs from the first chunk's): writing it would break the file. Built by concatenation, field by
 * field, because it runs for every row of every file.
 */
export function formatChunk(format: OutputFormat, columns: string[], ids: unknown[], result: Predictions): string {
  if (result.predictions.length !== ids.length) throw new Error(`the model answered ${result.predictions.length} predictions for ${ids.length} rows`);
  const classes = columns.slice(2).map((column) => column.slice(PROBABILITY_PREFIX.length));
  const known = new Set(classes);
  const csv = format === 'csv';
  const field = csv ? csvField : jsonValue;
  // JSON Lines: each key written once per chunk, as `{"id":`, `,"prediction":`, `,"probability_x":`
  const keys = columns.map((column, index) => `${index === 0 ? '{' : ','}${JSON.stringify(column)}:`);
  const labels = new Map<string | number, string>();
  let out = '';
  for (let i = 0; i < ids.length; i++) {
    const prediction = result.predictions[i];
    let label = labels.get(prediction);
    if (label === undefined) labels.set(prediction, (label = field(prediction)));
    let line = csv ? `${field(ids[i])},${label}` : `${keys[0]}${field(ids[i])}${keys[1]}${label}`;
    if (classes.length) {
      const probabilities = result.probabilities?.[i];
      if (!probabilities) throw new Error(`row ${i} has no probabilities; the first chunk had them for ${classes.join(', ')}`);
      for (const name in probabilities) if (!known.has(name)) throw new Error(`row ${i} has a probability for ${name}, not one of the classes of the first chunk (${classes.join(', ')})`);
      for (let c = 0; c < classes.length; c++) {
        const value = probabilities[classes[c]];
        line += csv ? `,${value === undefined ? '' : String(value)}` : `${keys[c + 2]}${value === undefined ? 'null' : JSON.stringify(value)}`;
      }
    }
    out += csv ? `${line}\n` : `${line}}\n`;
  }
  return out;
}

const jsonValue = (value: unknown) => JSON.stringify(value ?? null);

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
