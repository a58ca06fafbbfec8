export interface DependencyNode {
  name: string;
  dependsOn: string[];
}

/** Problems with the graph: dependencies on unknown servers, and every cycle, each naming its servers. */
export function dependencyProblems(nodes: DependencyNode[]): string[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const problems: string[] = [];
  for (const node of nodes) {
    for (const dependency of node.dependsOn) {
      if (dependency === node.name) problems.push(`server "${node.name}" depends on itself`);
      else if (!byName.has(dependency)) problems.push(`server "${node.name}" depends on unknown server "${dependency}"`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const members = path.slice(path.indexOf(name));
      const key = [...members].sort().join(',');
      if (!reported.has(key) && members.length > 1) {
        reported.add(key);
        const first = members.indexOf([...members].sort()[0]);
        const rotated = [...members.slice(first), ...members.slice(0, first)];
        problems.push(`dependency cycle: ${[...rotated, rotated[0]].join(' → ')}`);
      }
      return;
    }
    state.set(name, 'visiting');
    for (const dependency of byName.get(name)?.dependsOn ?? []) if (byName.has(dependency)) visit(dependency, [...path, name]);
    state.set(name, 'done');
  };
  for (const node of nodes) visit(node.name, []);
  return problems;
}

/** Names in an order where every server comes after its dependencies (the graph must be valid). */
export function topologicalOrder(nodes: DependencyNode[]): string[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dependency of byName.get(name)?.dependsOn ?? []) if (byName.has(dependency)) visit(dependency);
    order.push(name);
  };
  for (const node of [...nodes].sort((a, b) => a.name.localeCompare(b.name))) visit(node.name);
  return order;
}
