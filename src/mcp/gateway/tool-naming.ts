import { createHash } from 'node:crypto';

/** Many MCP clients (and the LLM APIs behind them) accept tool names of at most 64 characters of [A-Za-z0-9_-]. */
export const MAX_TOOL_NAME_LENGTH = 64;

/** A name part with the characters a tool name cannot hold made "_". */
export const sanitizeToolName = (part: string) => part.replace(/[^A-Za-z0-9_-]/g, '_');

/** `full` cut to fit MAX_TOOL_NAME_LENGTH with `_` and a short hash of `hashInput` after it, so two long names never collide. */
export function withNameHash(full: string, hashInput: string): string {
  const hash = createHash('sha256').update(hashInput).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_TOOL_NAME_LENGTH - hash.length - 1)}_${hash}`;
}

/**
 * Builds `<server><separator><name>` with unsafe characters replaced; names too long are cut and get
 * a short hash of the original so two long names never collide.
 */
export function namespacedName(server: string, name: string, separator: string): string {
  const full = `${sanitizeToolName(server)}${separator}${sanitizeToolName(name)}`;
  return full.length <= MAX_TOOL_NAME_LENGTH ? full : withNameHash(full, `${server}\u0000${name}`);
}

export interface NamedEntry {
  server: string;
  name: string;
}

/** The exposed name of every (server, name) pair, and the way back. */
export class NameMap {
  private readonly toExposed = new Map<string, string>();
  private readonly toEntry = new Map<string, NamedEntry>();

  constructor(entries: NamedEntry[], separator: string) {
    for (const entry of entries) {
      let exposed = namespacedName(entry.server, entry.name, separator);
      for (let n = 2; this.toEntry.has(exposed); n++) exposed = namespacedName(entry.server, `${entry.name}_${n}`, separator);
      this.toExposed.set(`${entry.server}\u0000${entry.name}`, exposed);
      this.toEntry.set(exposed, entry);
    }
  }

  exposed(server: string, name: string): string | undefined {
    return this.toExposed.get(`${server}\u0000${name}`);
  }

  resolve(exposed: string): NamedEntry | undefined {
    return this.toEntry.get(exposed);
  }
}
