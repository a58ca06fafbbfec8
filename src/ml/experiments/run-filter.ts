import { ValidationFailedError } from '../../platform/errors/app-error';
import { RUN_STATUSES } from './run.entity';

export type RunConditionKind = 'params' | 'tags' | 'metrics' | 'attributes';
export type RunConditionOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export interface RunCondition {
  kind: RunConditionKind;
  key: string;
  op: RunConditionOp;
  /** A list for IN and NOT IN, else one value. */
  value: string | string[];
}

export interface RunOrder {
  kind: 'metrics' | 'params' | 'created';
  key?: string;
  direction: 'ASC' | 'DESC';
}

/** The run attributes a filter may name (MLflow's), and the column each reads. */
const ATTRIBUTES = { status: 'r.status', run_name: 'r.name', run_id: 'r.id::text', start_time: 'r.created_at', end_time: 'r.ended_at' } as const;
type Attribute = keyof typeof ATTRIBUTES;
const TIME_ATTRIBUTES: readonly Attribute[] = ['start_time', 'end_time'];

const COMPARISONS: readonly RunConditionOp[] = ['=', '!=', '>', '>=', '<', '<='];
const TEXT_OPS: readonly RunConditionOp[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const MAX_IN_VALUES = 100;

/** Which operators each kind of key takes. */
function opsOf(kind: RunConditionKind, key: string): readonly RunConditionOp[] {
  if (kind === 'metrics') return COMPARISONS;
  if (kind === 'attributes') return TIME_ATTRIBUTES.includes(key as Attribute) ? COMPARISONS : key === 'run_name' ? TEXT_OPS : ['=', '!=', 'IN', 'NOT IN'];
  return [...COMPARISONS, 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
}

const KINDS: Record<string, RunConditionKind> = { params: 'params', param: 'params', tags: 'tags', tag: 'tags', metrics: 'metrics', metric: 'metrics', attributes: 'attributes', attribute: 'attributes', attr: 'attributes', run: 'attributes' };

/**
 * One token of a filter: a key (`params.lr`, ``tags.`my key` ``), an operator, a quoted string,
 * a bare word or number, `(`, `)` or `,`. Keywords (and, in, not in, like, ilike) are case-insensitive.
 */
const TOKEN = new RegExp(
  [
    String.raw`(?<key>(?:params|param|tags|tag|metrics|metric|attributes|attribute|attr|run)\.(?:\x60[^\x60]{1,250}\x60|"[^"]{1,250}"|[A-Za-z0-9_.\-/]{1,250}))`,
    String.raw`(?<op>!=|>=|<=|=|>|<|\bnot\s+in\b|\bin\b|\bilike\b|\blike\b)`,
    String.raw`(?<and>\band\b)`,
    String.raw`'(?<single>[^']*)'`,
    String.raw`"(?<double>[^"]*)"`,
    String.raw`(?<punct>[(),])`,
    String.raw`(?<bare>[^\s(),'"]+)`,
  ].join('|'),
  'iy',
);

type Token = { type: 'key' | 'op' | 'and' | 'value' | 'punct'; text: string };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < filter.length) {
    if (/\s/.test(filter[at])) {
      at++;
      continue;
    }
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(filter);
    if (!match?.groups) throw problem(`cannot read "${filter.slice(at, at + 40)}" (an unclosed quote?)`);
    const g = match.groups;
    if (g.key !== undefined) tokens.push({ type: 'key', text: g.key });
    else if (g.op !== undefined) tokens.push({ type: 'op', text: g.op.toUpperCase().replace(/\s+/g, ' ') });
    else if (g.and !== undefined) tokens.push({ type: 'and', text: 'AND' });
    else if (g.single !== undefined || g.double !== undefined) tokens.push({ type: 'value', text: g.single ?? g.double });
    else if (g.punct !== undefined) tokens.push({ type: 'punct', text: g.punct });
    else tokens.push({ type: 'value', text: g.bare });
    at = TOKEN.lastIndex;
  }
  return tokens;
}

const problem = (reason: string) => new ValidationFailedError([{ field: 'filter', reason }]);

/**
 * Decimal text that PostgreSQL casts to numeric without error. Digits and exponent are bounded (200 digits: its regex counts stop at 255) so
 * the cast cannot overflow; the same rule (in SQL) guards the stored side of a comparison.
 */
const NUMERIC_TEXT = '^[[:space:]]*[-+]?([0-9]{1,200}([.][0-9]{0,200})?|[.][0-9]{1,200})([eE][-+]?[0-9]{1,4})?[[:space:]]*$';
const NUMERIC_TEXT_JS = new RegExp(NUMERIC_TEXT.replaceAll('[[:space:]]', '\\s'));
const isNumericText = (value: string) => NUMERIC_TEXT_JS.test(value);

/**
 * Parses MLflow's search_runs filter: clauses joined by `and`, each `<params|tags|metrics|attributes>.<key> <op> <value>`
 * (`metrics.accuracy >= 0.9 and params.adapter IN ('node', 'sklearn') and attributes.status = 'FINISHED'`).
 * Params and tags compare as text, except <, <=, >, >= with a number, which compare as numbers and match only
 * runs whose value is a number; metrics by their latest value; attributes are status, run_name, run_id,
 * start_time and end_time (milliseconds since the epoch, or an ISO 8601 time). Keys with other characters go in backticks.
 */
export function parseRunFilter(filter: string | undefined): RunCondition[] {
  if (!filter?.trim()) return [];
  const tokens = tokenize(filter);
  const conditions: RunCondition[] = [];
  let i = 0;
  const next = () => tokens[i++];
  for (;;) {
    const keyToken = next();
    if (keyToken?.type !== 'key') throw problem(`expected <params|tags|metrics|attributes>.<key> ${keyToken ? `at "${keyToken.text}"` : 'at the end'} (op one of ${[...COMPARISONS, 'LIKE', 'ILIKE', 'IN', 'NOT IN'].join(' ')})`);
    const dot = keyToken.text.indexOf('.');
    const kind = KINDS[keyToken.text.slice(0, dot).toLowerCase()];
    const key = keyToken.text.slice(dot + 1).replace(/^[`"](.*)[`"]$/, '$1');
    const opToken = next();
    if (opToken?.type !== 'op') throw problem(`"${keyToken.text}" needs an operator (${opsOf(kind, key).join(' ')})`);
    const op = opToken.text as RunConditionOp;
    let value: string | string[];
    if (op === 'IN' || op === 'NOT IN') {
      if (next()?.text !== '(') throw problem(`${keyToken.text} ${op} takes a list: ${op} ('a', 'b')`);
      value = [];
      for (;;) {
        const item = next();
        if (item?.type !== 'value') throw problem(`${keyToken.text} ${op}: expected a value in the list`);
        value.push(item.text);
        const sep = next();
        if (sep?.text === ')') break;
        if (sep?.text !== ',') throw problem(`${keyToken.text} ${op}: values are separated by "," and the list ends with ")"`);
      }
      if (value.length > MAX_IN_VALUES) throw problem(`${keyToken.text} ${op}: at most ${MAX_IN_VALUES} values`);
    } else {
      const item = next();
      if (item?.type !== 'value') throw problem(`"${keyToken.text} ${op}" needs a value`);
      value = item.text;
    }
    conditions.push(checked({ kind, key, op, value }));
    const after = next();
    if (!after) return conditions;
    if (after.type !== 'and') throw problem(`expected "and" between clauses, found "${after.text}"`);
  }
}

/** Refuses operators a key does not take and values it cannot compare with; normalises statuses and times. */
function checked(c: RunCondition): RunCondition {
  const name = `${c.kind}.${c.key}`;
  if (c.kind === 'attributes' && !Object.hasOwn(ATTRIBUTES, c.key)) throw problem(`${name} is not an attribute; use one of ${Object.keys(ATTRIBUTES).map((a) => `attributes.${a}`).join(', ')}`);
  const ops = opsOf(c.kind, c.key);
  if (!ops.includes(c.op)) throw problem(`${name} does not take ${c.op}; use one of ${ops.join(' ')}`);
  const values = Array.isArray(c.value) ? c.value : [c.value];
  if (c.kind === 'metrics' && !Number.isFinite(Number(c.value))) throw problem(`${name} compares with a number, not "${String(c.value)}"`);
  if (c.kind === 'attributes' && c.key === 'status') {
    const statuses = values.map((v) => v.toLowerCase());
    const unknown = statuses.find((s) => !(RUN_STATUSES as readonly string[]).includes(s));
    if (unknown !== undefined) throw problem(`${name} is one of ${RUN_STATUSES.map((s) => s.toUpperCase()).join(', ')}, not "${unknown}"`);
    return { ...c, value: Array.isArray(c.value) ? statuses : statuses[0] };
  }
  if (c.kind === 'attributes' && TIME_ATTRIBUTES.includes(c.key as Attribute)) {
    const value = c.value as string;
    const time = /^\d{1,15}$/.test(value) ? new Date(Number(value)) : /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
    if (Number.isNaN(time.getTime())) throw problem(`${name} compares with milliseconds since the epoch or an ISO 8601 time, not "${value}"`);
    return { ...c, value: time.toISOString() };
  }
  return c;
}

/** `metrics.accuracy desc`, `params.seed asc`, `attributes.start_time asc` or `created desc` (the default). */
export function parseRunOrder(orderBy: string | undefined): RunOrder {
  if (!orderBy?.trim()) return { kind: 'created', direction: 'DESC' };
  const match = /^(?:(metrics|params)\.([A-Za-z0-9_.-]+)|created|attributes\.start_time|start_time)(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!match) throw new ValidationFailedError([{ field: 'orderBy', reason: `"${orderBy}" is not metrics.<key>, params.<key>, attributes.start_time or created, optionally followed by asc or desc` }]);
  const direction = (match[3]?.toUpperCase() ?? 'DESC') as RunOrder['direction'];
  return match[1] ? { kind: match[1].toLowerCase() as RunOrder['kind'], key: match[2], direction } : { kind: 'created', direction };
}

/** SQL for the conditions over `runs r`, with numbered parameters starting after `offset`: no value is ever spliced in. */
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
      continue;
    }
    const column = c.kind === 'attributes' ? ATTRIBUTES[c.key as Attribute] : `(r.${c.kind} ->> ${next(c.key)})`;
    if (c.op === 'IN') sql.push(`${column} = ANY(${next(c.value)}::text[])`);
    else if (c.op === 'NOT IN') sql.push(`NOT (${column} IS NOT NULL AND ${column} = ANY(${next(c.value)}::text[]))`);
    else if (c.kind === 'attributes' && TIME_ATTRIBUTES.includes(c.key as Attribute)) sql.push(`${column} ${c.op === '!=' ? 'IS DISTINCT FROM' : c.op} ${next(c.value)}::timestamptz`);
    else if (c.kind !== 'attributes' && isNumericText(c.value as string) && ['>', '>=', '<', '<='].includes(c.op)) {
      // a CASE, not an AND: PostgreSQL may evaluate AND operands in any order, so the cast could see "abc"
      sql.push(`CASE WHEN ${column} ~ '${NUMERIC_TEXT}' THEN ${column}::numeric END ${c.op} ${next(c.value)}::numeric`);
    } else sql.push(`${column} ${c.op === '!=' ? 'IS DISTINCT FROM' : c.op} ${next(c.value)}`);
  }
  return { sql, params };
}

export const latestMetricSql = (keyParam: string) => `SELECT m.value FROM mcp_hub.run_metrics m WHERE m.run_id = r.id AND m.key = ${keyParam} ORDER BY m.step DESC, m.seq DESC LIMIT 1`;
