import { isResourceName, resourceNameFrom } from './resource-name';

describe('resource names', () => {
  it('accepts names and UUIDs; refuses separators, control characters, non-ASCII and long names', () => {
    expect(['iris', 'iris-v2.1_final', '0193a2b4-5d6e-7f80-9a1b-2c3d4e5f6a7b', 'a'.repeat(128)].every(isResourceName)).toBe(true);
    expect(['', '../etc', 'a/b', 'a\r\nb', 'a\u0000', 'modèle', '-x', '.hidden', 'a b', 'a'.repeat(129)].some(isResourceName)).toBe(false);
  });

  it('derives a valid name from a file name, or none', () => {
    expect(resourceNameFrom('iris data (v2)')).toBe('iris_data__v2_');
    expect(resourceNameFrom('.hidden')).toBe('hidden');
    expect(resourceNameFrom('__x')).toBe('x');
    expect(resourceNameFrom('x'.repeat(300))).toHaveLength(128);
    expect(resourceNameFrom('...')).toBeNull();
    for (const name of ['iris data (v2)', '.hidden', 'ünïcode', 'x'.repeat(300)]) expect(isResourceName(resourceNameFrom(name)!)).toBe(true);
  });
});
