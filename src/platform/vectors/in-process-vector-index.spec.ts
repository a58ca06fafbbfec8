import { InProcessVectorIndex } from './in-process-vector-index';
import { cosine } from './vector-index';

describe('InProcessVectorIndex', () => {
  it('ranks by cosine similarity, per collection, with upsert and delete', async () => {
    const index = new InProcessVectorIndex();
    await index.upsert('tools', [
      { id: 'a', vector: [1, 0, 0], payload: { name: 'x' } },
      { id: 'b', vector: [0.7, 0.7, 0], payload: { name: 'y' } },
      { id: 'c', vector: [0, 0, 1], payload: { name: 'z' } },
    ]);
    await index.upsert('other', [{ id: 'a', vector: [0, 0, 1], payload: {} }]);
    expect((await index.search('tools', [1, 0.1, 0], 2)).map((m) => m.id)).toEqual(['a', 'b']);
    await index.upsert('tools', [{ id: 'a', vector: [0, 0, -1], payload: { name: 'x2' } }]);
    await index.delete('tools', ['c']);
    const matches = await index.search('tools', [1, 0.1, 0], 5);
    expect(matches.map((m) => m.id)).toEqual(['b', 'a']);
    expect(matches[1].payload).toEqual({ name: 'x2' });
    expect(await index.search('missing', [1], 3)).toEqual([]);
  });

  it('computes cosine similarity', () => {
    expect(cosine([1, 2], [2, 4])).toBeCloseTo(1, 10);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
});
