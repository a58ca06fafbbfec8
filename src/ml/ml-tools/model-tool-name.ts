import { MAX_TOOL_NAME_LENGTH, sanitizeToolName, withNameHash } from '../../mcp/gateway/tool-naming';

const MODEL_TOOL_PREFIX = 'model__';

/**
 * The tool name of each model: `model__<name>`, with characters a tool name cannot hold ("." in model
 * names) made "_". A name that stays as it was keeps its plain tool name whatever other models exist;
 * a changed name that meets another (`iris.v2` and `iris_v2`), or one too long, ends in a hash of the
 * model name, so names are unique and stable.
 */
export function modelToolNames(models: string[]): Map<string, string> {
  const base = (name: string) => `${MODEL_TOOL_PREFIX}${sanitizeToolName(name)}`;
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const unchanged = (name: string) => base(name) === `${MODEL_TOOL_PREFIX}${name}`;
  const kept = models.filter(unchanged);
  const changed = models.filter((name) => !unchanged(name));
  for (const name of kept) {
    const tool = base(name).length <= MAX_TOOL_NAME_LENGTH ? base(name) : withNameHash(base(name), name);
    names.set(name, tool);
    taken.add(tool);
  }
  const bases = changed.map(base);
  for (const [i, name] of changed.entries()) {
    const plain = bases[i];
    const shared = bases.indexOf(plain) !== i || bases.lastIndexOf(plain) !== i;
    const tool = plain.length <= MAX_TOOL_NAME_LENGTH && !taken.has(plain) && !shared ? plain : withNameHash(plain, name);
    names.set(name, tool);
    taken.add(tool);
  }
  return names;
}
