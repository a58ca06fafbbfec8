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
    expect(sql[1]).toBe('(r.params ->> $4)::double precision >= $5');
    expect(sql[2]).toBe('(r.params ->> $6) IS DISTINCT FROM $7');
    expect(params).toEqual(['r2', 0.4, 'seed', 7, 'adapter', 'node']);
  });

  it('parses the order', () => {
    expect(parseRunOrder('metrics.accuracy desc')).toEqual({ kind: 'metrics', key: 'accuracy', direction: 'DESC' });
    expect(parseRunOrder('params.seed ASC')).toEqual({ kind: 'params', key: 'seed', direction: 'ASC' });
    expect(parseRunOrder(undefined)).toEqual({ kind: 'created', direction: 'DESC' });
    expect(() => parseRunOrder('accuracy')).toThrow(ValidationFailedError);
  });
});
