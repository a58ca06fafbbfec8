import { seededRandom } from '../adapters/node/seeded-random';
import type { SignatureInput } from '../registry/registry.entities';

/** A row of a model's input columns, typed as its signature says. */
export type TypedRow = Record<string, number | string | boolean>;

/**
 * `size` rows drawn uniformly from `rows` (reservoir sampling, seeded: the same data and seed give the
 * same sample), each shaped by `shape`; rows it answers undefined for are skipped.
 */
export async function sampleRows<T>(rows: AsyncIterable<Record<string, unknown>>, size: number, seed: number, shape: (raw: Record<string, unknown>) => T | undefined): Promise<T[]> {
  const random = seededRandom(seed);
  const sample: T[] = [];
  let seen = 0;
  for await (const raw of rows) {
    const row = shape(raw);
    if (row === undefined) continue;
    seen++;
    if (sample.length < size) sample.push(row);
    else {
      const slot = Math.floor(random() * seen);
      if (slot < size) sample[slot] = row;
    }
  }
  return sample;
}

/** `size` rows typed for the model by `typedRow`: rows with a missing input are skipped. */
export const sampleTypedRows = (rows: AsyncIterable<Record<string, unknown>>, inputs: SignatureInput[], size: number, seed: number): Promise<TypedRow[]> =>
  sampleRows(rows, size, seed, (raw) => typedRow(raw, inputs));

/** The row's input columns as the signature types them, or undefined when one is missing. */
export function typedRow(raw: Record<string, unknown>, inputs: SignatureInput[]): TypedRow | undefined {
  const row: TypedRow = {};
  for (const input of inputs) {
    const value = raw[input.name];
    if (value === undefined || value === null || value === '') return undefined;
    if (input.type === 'integer' || input.type === 'number') {
      const number = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(number)) return undefined;
      row[input.name] = number;
    } else if (input.type === 'boolean') row[input.name] = value === true || String(value).toLowerCase() === 'true';
    else row[input.name] = String(value);
  }
  return row;
}
