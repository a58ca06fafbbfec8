import { ProfileFilter, parseProfiles } from './profile';

describe('profiles', () => {
  it('parses profiles with defaults', () => {
    const { profiles, problems } = parseProfiles({ coding: { servers: ['everything', 'memory'], tools: { include: ['everything__*', 'memory__read_*'] } }, all: { servers: ['memory'] } });
    expect(problems).toEqual([]);
    expect(profiles).toEqual([
      { name: 'coding', servers: ['everything', 'memory'], include: ['everything__*', 'memory__read_*'], exclude: [] },
      { name: 'all', servers: ['memory'], include: ['*'], exclude: [] },
    ]);
  });

  it('names the bad profile and field', () => {
    expect(parseProfiles({ x: { servers: [] }, 'bad name': { servers: ['a'], tools: { exclude: 'nope' } } }).problems).toEqual([
      'profiles.x.servers: must be a non-empty list of server names',
      'profiles.bad name: the name must be letters, digits, "_" and "-"',
      'profiles.bad name.tools.exclude: must be a list of glob patterns such as "*__delete_*"',
    ]);
    expect(parseProfiles([]).problems).toEqual(['profiles: must be an object of name → {servers, tools}']);
  });

  it('lets through only listed servers and matching, not excluded tools', () => {
    const filter = new ProfileFilter({ name: 'p', servers: ['everything', 'memory'], include: ['everything__*', 'memory__read_*'], exclude: ['everything__trigger-*'] });
    expect(filter.allowsTool('everything', 'everything__echo')).toBe(true);
    expect(filter.allowsTool('everything', 'everything__trigger-long-running-operation')).toBe(false);
    expect(filter.allowsTool('memory', 'memory__read_graph')).toBe(true);
    expect(filter.allowsTool('memory', 'memory__create_entities')).toBe(false);
    expect(filter.allowsTool('other', 'other__echo')).toBe(false);
    expect(filter.allowsServer('memory')).toBe(true);
  });
});
