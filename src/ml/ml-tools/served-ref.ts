/**
 * Which version of a model its MCP tool serves: the Production version; without one, the first of
 * the configured aliases (MCP_MODEL_TOOL_ALIASES) the model has; else none, and the model has no tool.
 */
export function servedRef(model: { production: number | null; aliases: Record<string, number> }, aliases: readonly string[]): { ref: string; version: number } | null {
  if (model.production !== null) return { ref: 'production', version: model.production };
  const alias = aliases.find((name) => Object.hasOwn(model.aliases, name));
  return alias ? { ref: alias, version: model.aliases[alias] } : null;
}
