import { ValidationFailedError } from '../../platform/errors/app-error';
import { parseRunFilter, parseRunOrder, runConditionsSql } from './run-filter';

describe('run filters', () => {
  it('parses clauses joined by and', () => {
    expect(parseRunFilter('metrics.accuracy >= 0.9 and params.adapter = sklearn AND tags.team != "vision"')).toEqual([
      { kind: 'metrics', key: 'accuracy', op: '>=', value: '0.9' },
      { kind: 'params', key: 'adapter', op: '=', value: 'sklearn' },
      { kind: 'tags', key: 'team', op: '!=', value: 'vision' },
    ]);
    expect(parseRunFilter('  ')).toEqual([]);
  });

  it('refuses what it cannot read, naming the clause', () => {
    expect(() => parseRunFilter('accuracy > 1')).toThrow(ValidationFailedError);
    expect(() => parseRunFilter('metrics.loss < low')).toThrow('compares with a number');
  });

  it('builds parameterised SQL', () => {
    const { sql, params } = runConditionsSql(parseRunFilter('metrics.r2 > 0.4 and params.seed >= 7 and params.adapter != node'), 1);
    expect(sql[0]).toBe('(SELECT m.value FROM mcp_hub.run_metrics m WHERE m.run_id = r.id AND m.key = $2 ORDER BY m.step DESC, m.seq DESC LIMIT 1) > $3');
    expect(sql[1]).toMatch(/^CASE WHEN \(r\.params ->> \$4\) ~ '\^.*\$' THEN \(r\.params ->> \$4\)::numeric END >= \$5::numeric$/);
    expect(sql[2]).toBe('(r.params ->> $6) IS DISTINCT FROM $7');
    expect(params).toEqual(['r2', 0.4, 'seed', '7', 'adapter', 'node']);
  });

  it('compares params as numbers only when the filter value is one the database can cast', () => {
    const kinds = (filter: string) => runConditionsSql(parseRunFilter(filter), 0).sql[0].startsWith('CASE') ? 'numeric' : 'text';
    expect(['params.k > 1', 'params.k < -2.5e10', 'params.k >= .5', 'params.k <= 12345678901234567890', 'params.k > 1e400'].map(kinds)).toEqual(['numeric', 'numeric', 'numeric', 'numeric', 'numeric']);
    expect(['params.k > abc', 'params.k > 0x10', 'params.k > 1e99999', `params.k > ${'9'.repeat(201)}`, 'params.k = 1', 'params.k != 1'].map(kinds)).toEqual(['text', 'text', 'text', 'text', 'text', 'text']);
    // the value goes to the database as text, so 20 digits are not rounded to a double
    expect(runConditionsSql(parseRunFilter('params.k > 12345678901234567891'), 0).params).toEqual(['k', '12345678901234567891']);
  });

  it('parses the order', () => {
    expect(parseRunOrder('metrics.accuracy desc')).toEqual({ kind: 'metrics', key: 'accuracy', direction: 'DESC' });
    expect(parseRunOrder('params.seed ASC')).toEqual({ kind: 'params', key: 'seed', direction: 'ASC' });
    expect(parseRunOrder(undefined)).toEqual({ kind: 'created', direction: 'DESC' });
    expect(() => parseRunOrder('accuracy')).toThrow(ValidationFailedError);
  });

  it("reads MLflow's search_runs forms: attributes, LIKE, ILIKE, IN, NOT IN, backticked keys, singular prefixes", () => {
    expect(parseRunFilter("attributes.status = 'FINISHED' and attributes.start_time >= 1764000000000 and params.adapter IN ('node', \"sklearn\") and tags.`team name` LIKE 'vis%' and param.seed not in (1, 2) and metric.loss < 0.5 and attributes.run_name ILIKE '%RF%'")).toEqual([
      { kind: 'attributes', key: 'status', op: '=', value: 'finished' },
      { kind: 'attributes', key: 'start_time', op: '>=', value: new Date(1764000000000).toISOString() },
      { kind: 'params', key: 'adapter', op: 'IN', value: ['node', 'sklearn'] },
      { kind: 'tags', key: 'team name', op: 'LIKE', value: 'vis%' },
      { kind: 'params', key: 'seed', op: 'NOT IN', value: ['1', '2'] },
      { kind: 'metrics', key: 'loss', op: '<', value: '0.5' },
      { kind: 'attributes', key: 'run_name', op: 'ILIKE', value: '%RF%' },
    ]);
    expect(parseRunFilter("params.note = 'a and b'")).toEqual([{ kind: 'params', key: 'note', op: '=', value: 'a and b' }]);
    expect(parseRunFilter("attributes.start_time < '2026-11-30T12:00:00Z'")[0].value).toBe('2026-11-30T12:00:00.000Z');
    expect(parseRunFilter('attributes.status in (running, KILLED)')[0].value).toEqual(['running', 'killed']);
  });

  it('refuses operators a key does not take and values it cannot compare, naming why', () => {
    const reason = (filter: string) => {
      try {
        parseRunFilter(filter);
      } catch (error) {
        return (error as ValidationFailedError).details as { field: string; reason: string }[];
      }
      throw new Error(`${filter} was accepted`);
    };
    expect(reason("attributes.status = 'DONE'")).toEqual([{ field: 'filter', reason: expect.stringContaining('RUNNING, FINISHED, FAILED, KILLED') }]);
    expect(reason('attributes.owner = me')[0].reason).toContain('is not an attribute');
    expect(reason("metrics.loss LIKE '1%'")[0].reason).toContain('does not take LIKE');
    expect(reason('attributes.start_time > yesterday')[0].reason).toContain('milliseconds since the epoch');
    expect(reason("params.a IN 'x'")[0].reason).toContain('takes a list');
    expect(reason("params.a IN ('x' 'y')")[0].reason).toContain('separated by ","');
    expect(reason("params.a = 'x' or params.b = 'y'")[0].reason).toContain('expected "and"');
    expect(reason("params.a = 'x")[0].reason).toContain('unclosed quote');
    expect(reason(`params.a IN (${Array.from({ length: 101 }, (_, i) => i).join(',')})`)[0].reason).toContain('at most 100');
  });

  it('keeps every value a parameter, lists included', () => {
    const { sql, params } = runConditionsSql(parseRunFilter("attributes.status != 'FAILED' and params.adapter NOT IN ('node') and tags.t LIKE '%x' and attributes.end_time > 0 and attributes.run_id IN ('0193')"), 0);
    expect(sql).toEqual([
      'r.status IS DISTINCT FROM $1',
      'NOT ((r.params ->> $2) IS NOT NULL AND (r.params ->> $2) = ANY($3::text[]))',
      '(r.tags ->> $4) LIKE $5',
      'r.ended_at > $6::timestamptz',
      'r.id::text = ANY($7::text[])',
    ]);
    expect(params).toEqual(['failed', 'adapter', ['node'], 't', '%x', new Date(0).toISOString(), ['0193']]);
    expect(parseRunOrder('attributes.start_time asc')).toEqual({ kind: 'created', direction: 'ASC' });
  });
});
