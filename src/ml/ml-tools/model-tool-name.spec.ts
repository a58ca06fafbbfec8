import { modelToolNames } from './model-tool-name';

const VALID = /^[A-Za-z0-9_-]{1,64}$/;

describe('model tool names', () => {
  it('is model__<name>, with "." made "_"', () => {
    const names = modelToolNames(['iris', 'iris-classifier', 'churn.v2']);
    expect([...names.values()]).toEqual(['model__iris', 'model__iris-classifier', 'model__churn_v2']);
  });

  it('a name that needs no change keeps its tool name when another model sanitizes to it; the changed one gets a hash', () => {
    for (const order of [['iris.v2', 'iris_v2'], ['iris_v2', 'iris.v2']]) {
      const names = modelToolNames(order);
      expect(names.get('iris_v2')).toBe('model__iris_v2');
      expect(names.get('iris.v2')).toMatch(/^model__iris_v2_[0-9a-f]{8}$/);
    }
  });

  it('two changed names that meet both get hashes of their own', () => {
    const names = modelToolNames(['a.b.c', 'a.b_c', 'a_b.c']);
    const tools = [...names.values()];
    expect(new Set(tools).size).toBe(3);
    for (const tool of tools) expect(tool).toMatch(/^model__a_b_c_[0-9a-f]{8}$/);
    expect(modelToolNames(['a_b.c', 'a.b.c', 'a.b_c']).get('a.b.c')).toBe(names.get('a.b.c'));
  });

  it('long names are cut to 64 characters and stay unique and valid', () => {
    const long = ['x'.repeat(128), `${'x'.repeat(127)}y`, `${'x'.repeat(100)}.z`];
    const tools = [...modelToolNames(long).values()];
    expect(new Set(tools).size).toBe(3);
    for (const tool of tools) expect(tool).toMatch(VALID);
    expect(modelToolNames([long[0]]).get(long[0])).toBe(tools[0]);
  });
});
