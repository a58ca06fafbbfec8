import { coerce, DatasetProfiler, inferTask } from './dataset-profile';
import { RawRow } from './table-reader';

describe('DatasetProfiler', () => {
  it('infers types, missing counts, ranges and frequent values', () => {
    const profiler = new DatasetProfiler();
    const rows: RawRow[] = [
      { a: '1', b: '1.5', c: 'red', d: 'true', e: '' },
      { a: '2', b: '', c: 'blue', d: 'false', e: 'NA' },
      { a: '-3', b: '2e3', c: 'red', d: 'TRUE', e: '' },
      { a: '4', b: '.5', c: '7', d: 'false' },
    ];
    rows.forEach((r) => profiler.add(r));
    profiler.add({ a: 5, b: 0.25, c: 'red', d: true, e: null, f: 'late' });
    const [a, b, c, d, e, f] = profiler.profile();
    expect(profiler.rowCount).toBe(5);
    expect(a).toEqual({ name: 'a', type: 'integer', missing: 0, distinct: 5, min: -3, max: 5 });
    expect(b).toMatchObject({ type: 'number', missing: 1, min: 0.25, max: 2000 });
    expect(c).toMatchObject({ type: 'string', missing: 0, distinct: 3, top: [{ value: 'red', count: 3 }, { value: '7', count: 1 }, { value: 'blue', count: 1 }] });
    expect(d).toMatchObject({ type: 'boolean', distinct: 3 });
    expect(e).toMatchObject({ type: 'string', missing: 5, distinct: 0 });
    expect(f).toMatchObject({ name: 'f', missing: 4, distinct: 1 });
  });

  it('decides the task from the target column', () => {
    expect(inferTask({ name: 't', type: 'string', missing: 0, distinct: 3 })).toBe('classification');
    expect(inferTask({ name: 't', type: 'integer', missing: 0, distinct: 2 })).toBe('classification');
    expect(inferTask({ name: 't', type: 'integer', missing: 0, distinct: 200 })).toBe('regression');
    expect(inferTask({ name: 't', type: 'number', missing: 0, distinct: 3 })).toBe('regression');
  });

  it('coerces values to the column type', () => {
    expect(coerce('2.5', 'number')).toBe(2.5);
    expect(coerce('', 'number')).toBeNull();
    expect(coerce(3, 'string')).toBe('3');
  });
});
