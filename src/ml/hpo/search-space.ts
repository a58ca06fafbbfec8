import type { FieldProblem } from '../../platform/errors/app-error';

export type SearchParam =
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: (string | number | boolean | null)[] };

export type SearchSpace = Record<string, SearchParam>;

export type SamplerKind = 'random' | 'grid' | 'tpe';

/** Past this many combinations a grid is refused: a study that could never finish it. */
export const MAX_GRID = 10_000;
const MAX_PARAMS = 32;
const MAX_CHOICES = 100;

/** Checks one value against the algorithm's hyperparameter schema: the problems with {name: value}. */
export type HyperparameterCheck = (name: string, value: unknown) => FieldProblem[];

/**
 * The search space as Optuna will sample it, or every way it does not fit the algorithm (each naming
 * `searchSpace.<param>`): unknown hyperparameters, bounds outside the schema's, a float range for an
 * integer hyperparameter, log scales that cannot be, and grids that are not finite.
 */
export function checkSearchSpace(raw: unknown, known: string[], check: HyperparameterCheck, sampler: SamplerKind): { space: SearchSpace; gridSize?: number } | { problems: FieldProblem[] } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { problems: [{ field: 'searchSpace', reason: 'must be an object of hyperparameter → {type, low, high} or {type: "categorical", choices}' }] };
  const entries = Object.entries(raw as Record<string, unknown>);
  const problems: FieldProblem[] = [];
  if (entries.length === 0) problems.push({ field: 'searchSpace', reason: 'names no hyperparameter' });
  if (entries.length > MAX_PARAMS) problems.push({ field: 'searchSpace', reason: `${entries.length} hyperparameters; at most ${MAX_PARAMS}` });
  const space: SearchSpace = {};
  let gridSize = 1;
  for (const [name, spec] of entries) {
    const field = `searchSpace.${name}`;
    const fail = (reason: string) => problems.push({ field, reason });
    if (!known.includes(name)) {
      fail(`not a hyperparameter of the algorithm (it has ${known.join(', ') || 'none'})`);
      continue;
    }
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      fail('must be an object with a type');
      continue;
    }
    const param = spec as Record<string, unknown>;
    const schemaProblems = (value: unknown, what: string) => check(name, value).map((p) => ({ field: `${field}.${what}`, reason: p.reason }));
    if (param.type === 'categorical') {
      const choices = param.choices;
      if (!Array.isArray(choices) || choices.length === 0 || choices.length > MAX_CHOICES) {
        fail(`categorical needs 1 to ${MAX_CHOICES} choices`);
        continue;
      }
      if (choices.some((c) => c !== null && !['string', 'number', 'boolean'].includes(typeof c))) {
        fail('choices must be strings, numbers, booleans or null');
        continue;
      }
      choices.forEach((choice, i) => problems.push(...schemaProblems(choice, `choices[${i}]`)));
      space[name] = { type: 'categorical', choices: choices as (string | number | boolean | null)[] };
      gridSize *= choices.length;
      continue;
    }
    if (param.type !== 'int' && param.type !== 'float') {
      fail('type must be int, float or categorical');
      continue;
    }
    const { low, high, log, step } = param;
    if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) {
      fail(`${param.type} needs numbers low and high`);
      continue;
    }
    const before = problems.length;
    if (low > high) fail(`low (${low}) is above high (${high})`);
    if (log !== undefined && typeof log !== 'boolean') fail('log must be true or false');
    if (step !== undefined && (typeof step !== 'number' || !(step > 0))) fail('step must be a positive number');
    if (log === true && step !== undefined) fail('log and step cannot go together');
    if (log === true && low <= 0) fail('a log scale needs low above 0');
    if (param.type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high) || (step !== undefined && !Number.isInteger(step)))) fail('int needs integer low, high and step');
    problems.push(...schemaProblems(low, 'low'), ...schemaProblems(high, 'high'));
    // a value between the bounds that is not a whole number: refused by a hyperparameter that takes integers
    if (param.type === 'float' && low < high && problems.length === before && check(name, low + (high - low) * 0.377).length > 0) fail('the hyperparameter takes integers; use type int');
    if (problems.length > before) continue;
    space[name] = { type: param.type, low, high, ...(log ? { log: true } : {}), ...(step !== undefined ? { step: step as number } : {}) };
    if (param.type === 'int') gridSize *= Math.floor((high - low) / ((step as number | undefined) ?? 1)) + 1;
    else if (step !== undefined) gridSize *= Math.floor((high - low) / (step as number) + 1e-9) + 1;
    else if (sampler === 'grid') fail('a grid needs a step for a float range');
  }
  if (sampler === 'grid' && problems.length === 0 && gridSize > MAX_GRID) problems.push({ field: 'searchSpace', reason: `the grid has ${gridSize} combinations; at most ${MAX_GRID}` });
  return problems.length ? { problems } : { space, ...(sampler === 'grid' ? { gridSize } : {}) };
}
