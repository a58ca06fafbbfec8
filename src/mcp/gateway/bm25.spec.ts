import { Bm25Index, tokenize } from './bm25';

describe('BM25 search', () => {
  it('tokenizes identifiers', () => {
    expect(tokenize('getSum create_entities read-file V2')).toEqual(['get', 'sum', 'create', 'entities', 'read', 'file', 'v2']);
  });

  it('ranks the document that matches rare query terms first', () => {
    const index = new Bm25Index([
      { item: 'echo', text: 'echo Echoes back the input string' },
      { item: 'get-sum', text: 'get-sum Returns the sum of two numbers' },
      { item: 'create_entities', text: 'create_entities Create multiple new entities in the knowledge graph' },
      { item: 'read_graph', text: 'read_graph Read the entire knowledge graph' },
    ]);
    expect(index.search('add two numbers')[0].item).toBe('get-sum');
    expect(index.search('knowledge graph entities').map((r) => r.item)).toEqual(['create_entities', 'read_graph']);
    expect(index.search('weather')).toEqual([]);
    expect(index.search('the', 1)).toHaveLength(1);
  });
});
