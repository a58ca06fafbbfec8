import { MAX_TOOL_NAME_LENGTH, NameMap, namespacedName } from './tool-naming';

describe('tool naming', () => {
  it('prefixes with the server and keeps safe names as they are', () => {
    expect(namespacedName('everything', 'get-sum', '__')).toBe('everything__get-sum');
    expect(namespacedName('my.server', 'read file', '__')).toBe('my_server__read_file');
  });

  it('cuts long names to the client limit with a distinguishing hash', () => {
    const a = namespacedName('server', 'x'.repeat(80) + 'a', '__');
    const b = namespacedName('server', 'x'.repeat(80) + 'b', '__');
    expect(a.length).toBe(MAX_TOOL_NAME_LENGTH);
    expect(b.length).toBe(MAX_TOOL_NAME_LENGTH);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('maps both ways and resolves collisions created by sanitising', () => {
    const map = new NameMap([{ server: 's', name: 'a.b' }, { server: 's', name: 'a_b' }, { server: 't', name: 'x' }], '__');
    const first = map.exposed('s', 'a.b')!;
    const second = map.exposed('s', 'a_b')!;
    expect(first).toBe('s__a_b');
    expect(second).not.toBe(first);
    expect(map.resolve(second)).toEqual({ server: 's', name: 'a_b' });
    expect(map.resolve('t__x')).toEqual({ server: 't', name: 'x' });
    expect(map.resolve('nope')).toBeUndefined();
  });
});
