import { createHash } from 'node:crypto';

export const MODEL_TOOL_PREFIX = 'model__';

/** Many MCP clients (and the LLM APIs behind them) accept tool names of at most 64 characters of [A-Za-z0-9_-]. */
const MAX_NAME = 64;

const hashOf = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 8);

function withHash(base: string, name: string): string {
  return `${base.slice(0, MAX_NAME - 9)}_${hashOf(name)}`;
}

/**
 * The tool name of each model: `model__<name>`, with characters a tool name cannot hold ("." in model
 * names) made "_". A name that stays as it was keeps its plain tool name whatever other models exist;
 * a changed name that meets another (`iris.v2` and `iris_v2`), or one too long, ends in a hash of the
 * model name, so names are unique and stable.
 */
export function modelToolNames(models: string[]): Map<string, string> {
  const base = (name: string) => `${MODEL_TOOL_PREFIX}${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const unchanged = (name: string) => base(name) === `${MODEL_TOOL_PREFIX}${name}`;
  const kept = models.filter(unchanged);
  const changed = models.filter((name) => !unchanged(name));
  for (const name of kept) {
    const tool = base(name).length <= MAX_NAME ? base(name) : withHash(base(name), name);
    names.set(name, tool);
    taken.add(tool);
  }
  const bases = changed.map(base);
  for (const [i, name] of changed.entries()) {
    const plain = bases[i];
    const shared = bases.indexOf(plain) !== i || bases.lastIndexOf(plain) !== i;
    const tool = plain.length <= MAX_NAME && !taken.has(plain) && !shared ? plain : withHash(plain, name);
    names.set(name, tool);
    taken.add(tool);
  }
  return names;
}
