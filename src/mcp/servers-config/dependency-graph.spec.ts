import { dependencyProblems, topologicalOrder } from './dependency-graph';

describe('dependency graph', () => {
  it('accepts a valid graph and orders dependencies first', () => {
    const nodes = [
      { name: 'app', dependsOn: ['db', 'cache'] },
      { name: 'cache', dependsOn: ['db'] },
      { name: 'db', dependsOn: [] },
      { name: 'lonely', dependsOn: [] },
    ];
    expect(dependencyProblems(nodes)).toEqual([]);
    const order = topologicalOrder(nodes);
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('cache'));
    expect(order.indexOf('cache')).toBeLessThan(order.indexOf('app'));
    expect(order).toHaveLength(4);
  });

  it('names both servers of a cycle, once', () => {
    expect(dependencyProblems([
      { name: 'a', dependsOn: ['b'] },
      { name: 'b', dependsOn: ['a'] },
    ])).toEqual(['dependency cycle: a → b → a']);
  });

  it('finds longer cycles, self-dependencies and unknown servers', () => {
    const problems = dependencyProblems([
      { name: 'a', dependsOn: ['b'] },
      { name: 'b', dependsOn: ['c'] },
      { name: 'c', dependsOn: ['a', 'ghost'] },
      { name: 'd', dependsOn: ['d'] },
    ]);
    expect(problems).toContain('dependency cycle: a → b → c → a');
    expect(problems).toContain('server "c" depends on unknown server "ghost"');
    expect(problems).toContain('server "d" depends on itself');
  });
});

describe('cycle naming', () => {
  it('starts a cycle at its alphabetically first server whatever the visiting order', () => {
    expect(dependencyProblems([
      { name: 'c2', dependsOn: ['c1'] },
      { name: 'c1', dependsOn: ['c2'] },
    ])).toEqual(['dependency cycle: c1 → c2 → c1']);
  });
});
