import { FieldProblem } from '../../platform/errors/app-error';
import { SignatureInput } from '../registry/registry.entities';
import { InputRow } from './model-predictor';

/** At most this many problems are listed; a client that sends 10,000 bad rows learns the pattern from the first ones. */
export const MAX_PROBLEMS = 20;

export type Cell = number | string | boolean | null;

const NUMERIC = new Set(['integer', 'number']);

/**
 * What is wrong with each row against the version's inputs, as `field: reason` (field named by
 * fieldOf, e.g. `instances[3].petal_length`): a missing column, a value of the wrong type, or a
 * category the model never saw. null is a missing value, imputed by the model as in training;
 * columns the signature does not name are ignored.
 */
export function checkRows(rows: InputRow[], inputs: SignatureInput[], fieldOf: (row: number, column?: string) => string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const known = categorySets(inputs);
  for (let i = 0; i < rows.length && problems.length < MAX_PROBLEMS; i++) {
    const row = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      problems.push({ field: fieldOf(i), reason: 'must be an object of column → value' });
      continue;
    }
    for (let c = 0; c < inputs.length && problems.length < MAX_PROBLEMS; c++) {
      const input = inputs[c];
      if (!Object.hasOwn(row, input.name)) {
        problems.push({ field: fieldOf(i, input.name), reason: `missing column (the model takes ${describeType(input)})` });
        continue;
      }
      const reason = valueProblem(row[input.name], input, known[c]);
      if (reason) problems.push({ field: fieldOf(i, input.name), reason });
    }
  }
  return problems;
}

/** Built once per served version's inputs, not per request: a column may know 1,000 categories. */
const CATEGORY_SETS = new WeakMap<SignatureInput[], (Set<string> | undefined)[]>();

function categorySets(inputs: SignatureInput[]): (Set<string> | undefined)[] {
  let sets = CATEGORY_SETS.get(inputs);
  if (!sets) {
    sets = inputs.map((input) => (input.categories ? new Set(input.categories) : undefined));
    CATEGORY_SETS.set(inputs, sets);
  }
  return sets;
}

function valueProblem(value: unknown, input: SignatureInput, categories: Set<string> | undefined): string | null {
  if (value === null) return null;
  if (NUMERIC.has(input.type)) {
    return typeof value === 'number' && Number.isFinite(value) ? null : `wrong type: expected a number, got ${describeValue(value)}`;
  }
  if (input.type === 'boolean') return typeof value === 'boolean' ? null : `wrong type: expected true or false, got ${describeValue(value)}`;
  if (typeof value !== 'string') return `wrong type: expected a string, got ${describeValue(value)}`;
  if (categories && !categories.has(value)) return `unknown category ${JSON.stringify(value.slice(0, 100))}: the model knows ${listCategories(input.categories!)}`;
  return null;
}

function describeType(input: SignatureInput): string {
  if (NUMERIC.has(input.type)) return 'a number';
  if (input.type === 'boolean') return 'true or false';
  return input.categories ? `one of ${listCategories(input.categories)}` : 'a string';
}

function listCategories(categories: string[]): string {
  const shown = categories.slice(0, 10).map((c) => JSON.stringify(c)).join(', ');
  return categories.length > 10 ? `${shown} and ${categories.length - 10} more` : shown;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 50))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** The checked rows as columns, in the order of the inputs, for the Python workers (a DataFrame per batch). */
export function toColumns(rows: InputRow[], inputs: SignatureInput[]): Record<string, Cell[]> {
  return Object.fromEntries(inputs.map((input) => [input.name, rows.map((row) => row[input.name] as Cell)]));
}
