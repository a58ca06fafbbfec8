import { ValidationFailedError } from '../../platform/errors/app-error';

export interface RunCondition {
  kind: 'params' | 'tags' | 'metrics';
  key: string;
  op: '=' | '!=' | '>' | '>=' | '<' | '<=';
  value: string;
}

export interface RunOrder {
  kind: 'metrics' | 'params' | 'created';
  key?: string;
  direction: 'ASC' | 'DESC';
}

const CLAUSE = /^(params|tags|metrics)\.([A-Za-z0-9_.-]+)\s*(!=|>=|<=|=|>|<)\s*(.+)$/;

/**
 * Decimal text that PostgreSQL casts to numeric without error. Digits and exponent are bounded (200 digits: its regex counts stop at 255) so
 * the cast cannot overflow; the same rule (in SQL) guards the stored side of a comparison.
 */
const NUMERIC_TEXT = '^[[:space:]]*[-+]?([0-9]{1,200}([.][0-9]{0,200})?|[.][0-9]{1,200})([eE][-+]?[0-9]{1,4})?[[:space:]]*$';
const NUMERIC_TEXT_JS = new RegExp(NUMERIC_TEXT.replaceAll('[[:space:]]', '\\s'));
const isNumericText = (value: string) => NUMERIC_TEXT_JS.test(value);

/**
 * Parses `metrics.accuracy >= 0.9 and params.adapter = sklearn and tags.team = "vision"`: clauses
 * joined by `and`; params and tags compare as text, except <, <=, >, >= with a number, which compare
 * as numbers and match only runs whose value is a number; metrics by their latest value.
 */
export function parseRunFilter(filter: string | undefined): RunCondition[] {
  if (!filter?.trim()) return [];
  return filter.split(/\s+and\s+/i).map((clause) => {
    const match = CLAUSE.exec(clause.trim());
    if (!match) throw new ValidationFailedError([{ field: 'filter', reason: `"${clause.trim()}" is not <params|tags|metrics>.<key> <op> <value> (op one of = != > >= < <=)` }]);
    const [, kind, key, op, raw] = match;
    const value = raw.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
    if (kind === 'metrics' && !Number.isFinite(Number(value))) throw new ValidationFailedError([{ field: 'filter', reason: `metrics.${key} compares with a number, not "${value}"` }]);
    return { kind: kind as RunCondition['kind'], key, op: op as RunCondition['op'], value };
  });
}

/** `metrics.accuracy desc`, `params.seed asc` or `created desc` (the default). */
export function parseRunOrder(orderBy: string | undefined): RunOrder {
  if (!orderBy?.trim()) return { kind: 'created', direction: 'DESC' };
  const match = /^(?:(metrics|params)\.([A-Za-z0-9_.-]+)|created)(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!match) throw new ValidationFailedError([{ field: 'orderBy', reason: `"${orderBy}" is not metrics.<key>, params.<key> or created, optionally followed by asc or desc` }]);
  const direction = (match[3]?.toUpperCase() ?? 'DESC') as RunOrder['direction'];
  return match[1] ? { kind: match[1].toLowerCase() as RunOrder['kind'], key: match[2], direction } : { kind: 'created', direction };
}

/** SQL for the conditions over `runs r`, with numbered parameters starting after `offset`. */
export function runConditionsSql(conditions: RunCondition[], offset: number): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  const next = (value: unknown) => {
    params.push(value);
    return `$${offset + params.length}`;
  };
  for (const c of conditions) {
    if (c.kind === 'metrics') {
      sql.push(`(${latestMetricSql(next(c.key))}) ${c.op} ${next(Number(c.value))}`);
    } else if (isNumericText(c.value) && c.op !== '=' && c.op !== '!=') {
      // a CASE, not an AND: PostgreSQL may evaluate AND operands in any order, so the cast could see "abc"
      const value = `(r.${c.kind} ->> ${next(c.key)})`;
      sql.push(`CASE WHEN ${value} ~ '${NUMERIC_TEXT}' THEN ${value}::numeric END ${c.op} ${next(c.value)}::numeric`);
    } else {
      sql.push(`(r.${c.kind} ->> ${next(c.key)}) ${c.op === '=' ? '=' : c.op === '!=' ? 'IS DISTINCT FROM' : c.op} ${next(c.value)}`);
    }
  }
  return { sql, params };
}

export const latestMetricSql = (keyParam: string) => `SELECT m.value FROM mcp_hub.run_metrics m WHERE m.run_id = r.id AND m.key = ${keyParam} ORDER BY m.step DESC, m.seq DESC LIMIT 1`;
