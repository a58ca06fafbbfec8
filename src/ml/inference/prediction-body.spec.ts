import { ValidationFailedError } from '../../platform/errors/app-error';
import { parsePredictionBody } from './prediction-body';

const problemsOf = (body: unknown, maxRows = 100) => {
  try {
    parsePredictionBody(body, maxRows);
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.problems;
    throw error;
  }
  throw new Error('expected a ValidationFailedError');
};

describe('parsePredictionBody', () => {
  const rows = [
    { a: 1, b: 'x' },
    { a: 2, b: 'y' },
  ];

  it('reads instances and dataframe_records as they are, naming fields by the shape', () => {
    const parsed = parsePredictionBody({ instances: rows }, 10);
    expect(parsed.rows).toEqual(rows);
    expect(parsed.fieldOf(1, 'b')).toBe('instances[1].b');
    const records = parsePredictionBody({ dataframe_records: rows }, 10);
    expect(records.rows).toEqual(rows);
    expect(records.fieldOf(0, 'a')).toBe('dataframe_records[0].a');
  });

  it('turns dataframe_split and columnar inputs into the same rows', () => {
    expect(parsePredictionBody({ dataframe_split: { columns: ['a', 'b'], data: [[1, 'x'], [2, 'y']] } }, 10).rows).toEqual(rows);
    expect(parsePredictionBody({ inputs: { a: [1, 2], b: ['x', 'y'] } }, 10).rows).toEqual(rows);
    expect(parsePredictionBody({ inputs: rows }, 10).rows).toEqual(rows);
    expect(parsePredictionBody({ inputs: { a: [1, 2] } }, 10).fieldOf(1, 'a')).toBe('inputs.a[1]');
  });

  it('refuses no shape, two shapes, rows that are not objects, and counts outside 1..maxRows', () => {
    expect(problemsOf({})[0]).toMatchObject({ field: 'instances', reason: expect.stringContaining('dataframe_split') });
    expect(problemsOf([1, 2])[0].field).toBe('instances');
    expect(problemsOf({ instances: rows, inputs: rows })[0]).toEqual({ field: 'inputs', reason: 'give only one of instances, inputs' });
    expect(problemsOf({ instances: [rows[0], 5] })[0]).toEqual({ field: 'instances[1]', reason: 'must be an object of column → value' });
    expect(problemsOf({ instances: 'a' })[0].field).toBe('instances');
    expect(problemsOf({ instances: [] })[0].reason).toContain('no rows');
    expect(problemsOf({ instances: rows }, 1)[0].reason).toContain('at most 1 per request');
  });

  it('checks dataframe_split and columnar inputs for shape', () => {
    expect(problemsOf({ dataframe_split: { columns: ['a', 'a'], data: [] } })[0]).toEqual({ field: 'dataframe_split.columns', reason: 'names "a" twice' });
    expect(problemsOf({ dataframe_split: { columns: ['a', 'b'], data: [[1, 'x'], [2]] } })[0]).toEqual({ field: 'dataframe_split.data[1]', reason: 'has 1 values for 2 columns' });
    expect(problemsOf({ dataframe_split: { columns: [1], data: [] } })[0].field).toBe('dataframe_split.columns');
    expect(problemsOf({ inputs: { a: [1, 2], b: ['x'] } })[0]).toEqual({ field: 'inputs.b', reason: 'has 1 values; inputs.a has 2' });
    expect(problemsOf({ inputs: { a: 1 } })[0]).toEqual({ field: 'inputs.a', reason: 'must be a list of values, one per row' });
  });
});
