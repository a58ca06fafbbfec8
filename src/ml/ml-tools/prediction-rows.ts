import { FieldProblem, ValidationFailedError } from '../../platform/errors/app-error';
import type { InputRow } from '../inference/model-predictor';
import { recordFieldOf } from '../inference/prediction-body';
import { isPlainObject } from '../../platform/plain-object';

/** Problems listed in one tool result; a thousand bad rows are summed up after these. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * The rows of an ml__predict call: `rows`, or `instances` as the REST body names them (exactly one).
 * `argument` is the name the caller used, so errors point at what it sent.
 */
export function predictionRowsOf(args: Record<string, unknown>): { rows: InputRow[]; argument: 'rows' | 'instances' } {
  const given = (['rows', 'instances'] as const).filter((name) => args[name] !== undefined);
  if (given.length !== 1) throw new ValidationFailedError([{ field: 'rows', reason: given.length ? 'give rows or instances, not both' : 'give rows: a list of objects, column → value' }]);
  const argument = given[0];
  const rows = args[argument];
  if (!Array.isArray(rows) || rows.length === 0) throw new ValidationFailedError([{ field: argument, reason: 'must be a non-empty list of objects, column → value' }]);
  const bad = rows.findIndex((row) => !isPlainObject(row));
  if (bad >= 0) throw new ValidationFailedError([{ field: `${argument}[${bad}]`, reason: 'must be an object, column → value' }]);
  return { rows: rows as InputRow[], argument };
}

/** How the predictor names row i's column in its errors: as the caller sent it, `rows[3].petal_width`. */
export const rowFieldOf = recordFieldOf;

/** A schema check's field in the same form: `rows.3.petal_width` becomes `rows[3].petal_width`. */
export function rowField(field: string): string {
  const schema = /^(rows|instances)\.(\d+)(\..*)?$/.exec(field);
  return schema ? `${schema[1]}[${schema[2]}]${schema[3] ?? ''}` : field;
}

/** Schema problems of rows named as the predictor names them, cut to MAX_LISTED_PROBLEMS, the rest counted. */
export function rowProblems(problems: FieldProblem[]): FieldProblem[] {
  const renamed = problems.map((p) => ({ field: rowField(p.field), reason: p.reason.replace(/^must be ([a-z]+(?:,[a-z]+)+)$/, (_, types: string) => `must be ${types.split(',').join(' or ')}`) }));
  if (renamed.length <= MAX_LISTED_PROBLEMS) return renamed;
  return [...renamed.slice(0, MAX_LISTED_PROBLEMS), { field: 'rows', reason: `${renamed.length - MAX_LISTED_PROBLEMS} more problems in other rows or columns` }];
}
