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
});
