import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chunk, chunksOf, rowFromLine, rowsFromJson, shiftRowIndexes } from './predict-input';

const collect = async (chunks: AsyncIterable<Chunk>) => {
  const all: Chunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
};

describe('predict input', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'predict-input-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('--json takes a row or a list of rows, and says what is wrong otherwise', () => {
    expect(rowsFromJson('{"a": 1}')).toEqual([{ a: 1 }]);
    expect(rowsFromJson('[{"a": 1}, {"a": 2}]')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(() => rowsFromJson('{a: 1}')).toThrow(/^--json is not JSON \(.+\); expected a row such as/);
    expect(() => rowsFromJson('[{"a": 1}, 2]')).toThrow('--json: item 1 is not an object of column → value');
    expect(() => rowsFromJson('"x"')).toThrow('--json is not an object of column → value');
    expect(() => rowsFromJson('[]')).toThrow('--json holds no rows');
  });

  it('a JSON Lines line is a row, a blank line nothing, anything else an error naming the line', () => {
    expect(rowFromLine('{"a": 1}', 'f line 1')).toEqual({ a: 1 });
    expect(rowFromLine('  ', 'f line 2')).toBeNull();
    expect(() => rowFromLine('[1]', 'f line 3')).toThrow('f line 3: not an object of column → value');
    expect(() => rowFromLine('{"a":', 'f line 4')).toThrow(/^f line 4: not JSON/);
  });

  it('row numbers of a later chunk count from the start of the input', () => {
    const message = '400 VALIDATION_FAILED: instances[3].petal_width: missing column; instances[12].x: wrong type';
    expect(shiftRowIndexes(message, 0)).toBe(message);
    expect(shiftRowIndexes(message, 1000)).toBe('400 VALIDATION_FAILED: instances[1003].petal_width: missing column; instances[1012].x: wrong type');
  });

  it('reads a JSON Lines file in chunks with their offsets and the share read, skipping blank lines', async () => {
    const file = join(dir, 'rows.jsonl');
    await writeFile(file, `${Array.from({ length: 7 }, (_, i) => JSON.stringify({ i })).join('\n\n')}\n`);
    const chunks = await collect(chunksOf(file, 3));
    expect(chunks.map((c) => [c.offset, c.rows.map((r) => r.i)])).toEqual([[0, [0, 1, 2]], [3, [3, 4, 5]], [6, [6]]]);
    expect(chunks.at(-1)!.fraction).toBe(1);
    for (const chunk of chunks) expect(chunk.fraction).toBeGreaterThan(0);
  });

  it('names the line of a bad row and refuses an empty file; a .json file holds a list', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"a": 1}\n{"a": 2}\nnot json\n');
    await expect(collect(chunksOf(bad, 10))).rejects.toThrow(`${bad} line 3: not JSON`);
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '\n\n');
    await expect(collect(chunksOf(empty, 10))).rejects.toThrow(`${empty} holds no rows`);
    const list = join(dir, 'rows.json');
    await writeFile(list, JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }]));
    expect((await collect(chunksOf(list, 2))).map((c) => [c.offset, c.rows.length, c.fraction])).toEqual([[0, 2, 2 / 3], [2, 1, 1]]);
  });
});
