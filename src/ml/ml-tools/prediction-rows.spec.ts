import { ValidationFailedError } from '../../platform/errors/app-error';
import { MAX_LISTED_PROBLEMS, predictionRowsOf, rowField, rowFieldOf, rowProblems } from './prediction-rows';

const problemsOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as ValidationFailedError).problems;
  }
  throw new Error('expected a ValidationFailedError');
};

describe('rows of a prediction tool call', () => {
  it('takes rows, or instances as the REST body names them', () => {
    const rows = [{ a: 1 }, { a: 2 }];
    expect(predictionRowsOf({ model: 'm', rows })).toEqual({ rows, argument: 'rows' });
    expect(predictionRowsOf({ model: 'm', instances: rows })).toEqual({ rows, argument: 'instances' });
  });

  it('refuses neither, both, an empty list and a row that is not an object, naming the field', () => {
    expect(problemsOf(() => predictionRowsOf({ model: 'm' }))).toEqual([{ field: 'rows', reason: 'give rows: a list of objects, column → value' }]);
    expect(problemsOf(() => predictionRowsOf({ rows: [{}], instances: [{}] }))[0].reason).toBe('give rows or instances, not both');
    expect(problemsOf(() => predictionRowsOf({ instances: [] }))[0].field).toBe('instances');
    expect(problemsOf(() => predictionRowsOf({ rows: [{ a: 1 }, [1, 2]] }))).toEqual([{ field: 'rows[1]', reason: 'must be an object, column → value' }]);
    expect(problemsOf(() => predictionRowsOf({ rows: [{ a: 1 }, null] }))[0].field).toBe('rows[1]');
  });

  it('names a row problem as the caller sent it, from the predictor and from the schema check alike', () => {
    expect(rowFieldOf('rows')(3, 'petal_width')).toBe('rows[3].petal_width');
    expect(rowFieldOf('instances')(3)).toBe('instances[3]');
    expect(rowField('rows.12.petal_width')).toBe('rows[12].petal_width');
    expect(rowField('instances.12')).toBe('instances[12]');
    expect(rowField('rows')).toBe('rows');
    expect(rowField('model')).toBe('model');
  });

  it('lists at most MAX_LISTED_PROBLEMS problems and counts the rest', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ field: `rows.${i}.x`, reason: 'must be number' }));
    const listed = rowProblems(many);
    expect(listed).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(listed[0]).toEqual({ field: 'rows[0].x', reason: 'must be number' });
    expect(listed.at(-1)).toEqual({ field: 'rows', reason: '30 more problems in other rows or columns' });
    expect(rowProblems(many.slice(0, 2))).toHaveLength(2);
    expect(rowProblems([{ field: 'rows.1.petal_width', reason: 'must be number,null' }])).toEqual([{ field: 'rows[1].petal_width', reason: 'must be number or null' }]);
  });
});
