import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { formatOf, readAllRows, readRowBatches, TableFormatError } from './table-reader';

describe('readRows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tables-'));
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  it('reads CSV with a header, quotes, CRLF and a byte-order mark', async () => {
    const rows = await readAllRows(file('a.csv', '\ufeffname,note\r\n"Smith, J",plain\r\nDoe,"said ""hi"""\r\n'), 'csv');
    expect(rows).toEqual([
      { name: 'Smith, J', note: 'plain' },
      { name: 'Doe', note: 'said "hi"' },
    ]);
  });

  it('reads JSON Lines, keeping scalar types and flattening nested values to JSON', async () => {
    const rows = await readAllRows(file('a.jsonl', '{"x": 1, "ok": true, "s": "a"}\n\n{"x": null, "tags": ["p", "q"]}\n'), 'jsonl');
    expect(rows).toEqual([{ x: 1, ok: true, s: 'a' }, { x: null, tags: '["p","q"]' }]);
  });

  it('names the line or record that is broken', async () => {
    await expect(readAllRows(file('b.jsonl', '{"x": 1}\n{oops\n'), 'jsonl')).rejects.toThrow(/^JSON Lines: line 2 is not JSON \(/);
    await expect(readAllRows(file('c.jsonl', '[1,2]\n'), 'jsonl')).rejects.toThrow('line 1 is not an object');
    await expect(readAllRows(file('d.csv', 'a,b\n1,2,3\n'), 'csv')).rejects.toBeInstanceOf(TableFormatError);
  });

  it('hands rows over in batches, the same rows whatever the chunking of the bytes', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `{"n": ${i + 1}, "s": "é${i}"}`);
    const text = `${lines.join('\r\n')}\r\n\n`;
    // 7-byte chunks split rows, multi-byte characters and \r\n pairs
    const bytes = Buffer.from(text);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const batches: unknown[][] = [];
    for await (const batch of readRowBatches(Readable.from(pieces), 'jsonl')) batches.push(batch);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(lines.map((_, i) => ({ n: i + 1, s: `é${i}` })));
    await expect(readAllRows(file('e.jsonl', '{"n": 1}\r\n\r\n{bad'), 'jsonl')).rejects.toThrow(/^JSON Lines: line 3 is not JSON/);

    const csv = file('big.csv', `a,b\n${Array.from({ length: 20000 }, (_, i) => `${i},"x, ${i}"`).join('\n')}\n`);
    const csvBatches: unknown[][] = [];
    for await (const batch of readRowBatches(csv, 'csv')) csvBatches.push(batch);
    expect(csvBatches.length).toBeGreaterThan(1);
    expect(csvBatches.flat()).toEqual(Array.from({ length: 20000 }, (_, i) => ({ a: String(i), b: `x, ${i}` })));
  });

  it('infers the format from the extension', () => {
    expect([formatOf('x.CSV'), formatOf('x.jsonl'), formatOf('x.ndjson'), formatOf('x.parquet')]).toEqual(['csv', 'jsonl', 'jsonl', null]);
  });
});
