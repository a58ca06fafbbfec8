import type { RawRow } from '../datasets/table-reader';
import { badRowMessage, Chunk, chunksOf, committedPartKeys, InputShrankError, modelRow, partKey, progressOf, rowShape, withAttempt } from './batch-chunks';

async function* rowsOf(count: number): AsyncGenerator<RawRow> {
  for (let i = 1; i <= count; i++) yield { id: `r${i}`, x: String(i) };
}

async function collect(rows: AsyncIterable<RawRow>, size: number, skip = 0) {
  const chunks: { firstRow: number; ids: string[] }[] = [];
  for await (const chunk of chunksOf(rows, size, skip, rowShape([], 'csv', 'id'))) {
    expect(chunk.rows.map((r) => r.id)).toEqual(chunk.ids);
    chunks.push({ firstRow: chunk.firstRow, ids: chunk.ids.map(String) });
  }
  return chunks;
}

describe('chunksOf', () => {
  it('cuts the input into chunks of the given size, the last one shorter, numbering rows from 1', async () => {
    expect(await collect(rowsOf(7), 3)).toEqual([
      { firstRow: 1, ids: ['r1', 'r2', 'r3'] },
      { firstRow: 4, ids: ['r4', 'r5', 'r6'] },
      { firstRow: 7, ids: ['r7'] },
    ]);
    expect(await collect(rowsOf(6), 3)).toHaveLength(2);
    expect(await collect(rowsOf(0), 3)).toEqual([]);
  });

  it('resumes after the committed rows: every row exactly once across the attempts', async () => {
    const first = (await collect(rowsOf(10), 4)).slice(0, 2);
    const rest = await collect(rowsOf(10), 4, 8);
    expect(rest).toEqual([{ firstRow: 9, ids: ['r9', 'r10'] }]);
    expect([...first, ...rest].flatMap((c) => c.ids)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i + 1}`));
    expect(await collect(rowsOf(10), 4, 10)).toEqual([]);
  });

  it('refuses an input that shrank below what was committed, and nonsense sizes', async () => {
    await expect(collect(rowsOf(5), 4, 8)).rejects.toThrow(InputShrankError);
    await expect(collect(rowsOf(5), 0)).rejects.toThrow(RangeError);
  });
});

describe('part keys and attempts', () => {
  it('gives each attempt its own keys, so a stale worker never overwrites a committed part', () => {
    expect(partKey('j', 3, 2, 'csv')).toBe('batch/j/part-000003.a2.csv');
    let attempts = withAttempt([], 0, 1);
    expect(committedPartKeys('j', 2, attempts, 'jsonl')).toEqual(['batch/j/part-000000.a1.jsonl', 'batch/j/part-000001.a1.jsonl']);
    attempts = withAttempt(attempts, 2, 2);
    attempts = withAttempt(attempts, 2, 3); // attempt 2 died before committing anything
    expect(attempts).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(committedPartKeys('j', 4, attempts, 'csv')).toEqual(['batch/j/part-000000.a1.csv', 'batch/j/part-000001.a1.csv', 'batch/j/part-000002.a3.csv', 'batch/j/part-000003.a3.csv']);
    expect(() => committedPartKeys('j', 1, [], 'csv')).toThrow('no attempt recorded');
  });
});

describe('modelRow', () => {
  const inputs = [
    { name: 'length', type: 'number' },
    { name: 'count', type: 'integer' },
    { name: 'color', type: 'string' },
    { name: 'flag', type: 'boolean' },
  ];

  it('keeps the signature columns only and types CSV text by the signature', () => {
    expect(modelRow({ id: '7', length: '5.1', count: '3', color: 'red', flag: 'TRUE', species: 'setosa' }, inputs, 'csv')).toEqual({ length: 5.1, count: 3, color: 'red', flag: true });
    expect(modelRow({ length: '', count: 'NA', color: '', flag: 'false' }, inputs, 'csv')).toEqual({ length: null, count: null, color: null, flag: false });
  });

  it('leaves text that is not of the type for the model to name, and JSON Lines values as written', () => {
    expect(modelRow({ length: 'abc', count: '2.5', color: 'red', flag: 'maybe' }, inputs, 'csv')).toEqual({ length: 'abc', count: 2.5, color: 'red', flag: 'maybe' });
    expect(modelRow({ length: '5.1', count: 3, flag: true }, inputs, 'jsonl')).toEqual({ length: '5.1', count: 3, flag: true });
  });

  it('passes every column when the signature names none (a model trained elsewhere)', () => {
    expect(modelRow({ a: '1', b: 'x' }, [], 'csv')).toEqual({ a: '1', b: 'x' });
  });
});

describe('ids, bad rows and progress', () => {
  const chunk: Chunk = { firstRow: 101, rows: [{}, { length: 'abc' }], ids: ['a', 'b'] };

  it('shapes each row for the model and names it by number, or by the idColumn value', async () => {
    const inputs = [{ name: 'x', type: 'number' }];
    const numbered = [];
    for await (const c of chunksOf(rowsOf(3), 2, 0, rowShape(inputs, 'csv', null))) numbered.push(c);
    expect(numbered).toEqual([
      { firstRow: 1, rows: [{ x: 1 }, { x: 2 }], ids: [1, 2] },
      { firstRow: 3, rows: [{ x: 3 }], ids: [3] },
    ]);
    const named = [];
    for await (const c of chunksOf(rowsOf(3), 2, 2, rowShape(inputs, 'csv', 'id'))) named.push(c);
    expect(named).toEqual([{ firstRow: 3, rows: [{ x: 3 }], ids: ['r3'] }]);
  });

  it("turns the model's instances[i].column into the input's row number and id", () => {
    expect(badRowMessage([{ field: 'instances[1].length', reason: 'expected a number, got "abc"' }], chunk, 'id')).toBe('input row 102 (id=b), column "length": expected a number, got "abc"');
    expect(badRowMessage([{ field: 'instances[0].length', reason: 'is missing' }, { field: 'instances[1].length', reason: 'x' }, { field: 'instances[1].c', reason: 'y' }], chunk, null)).toBe(
      'input row 101, column "length": is missing (and 2 more problems in this chunk)',
    );
    expect(badRowMessage([{ field: 'instances', reason: 'too many rows' }], chunk, null)).toBe('the model refused chunk at row 101: instances: too many rows');
  });

  it('reports progress as a fraction of the known total', () => {
    expect(progressOf(250, 1000)).toBe(0.25);
    expect(progressOf(10, null)).toBe(0);
    expect(progressOf(0, 0)).toBe(1);
  });
});
