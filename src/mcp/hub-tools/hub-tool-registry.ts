import { Injectable } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Scope } from '../../platform/auth/api-key.entity';
import type { Principal } from '../../platform/auth/api-keys.service';
export { actorOf } from '../../platform/auth/api-keys.service';

export interface HubToolContext {
  signal: AbortSignal;
  sessionId?: string;
  /** Who calls, for audit trails: `key:<name>` with API keys, `anonymous` without (as on REST). */
  actor: string;
}

/**
 * A tool the hub itself serves on /mcp beside the upstream tools, added by another module
 * (ml/ adds its ml__* tools). `group` plays the part of a server name for profiles: a profile
 * whose servers list the group sees its tools.
 */
export interface HubTool {
  group: string;
  /** The scope the REST route doing the same thing needs (`read` for reads, `admin` for changes). */
  scope: Scope;
  definition: Tool;
  call(args: Record<string, unknown>, context: HubToolContext): Promise<CallToolResult>;
}

/**
 * The provider interface through which features add tools to the MCP gateway: fixed tools with
 * `register`, and sets that change while the hub runs with `replaceSet` (connected sessions are told
 * with tools/list_changed whenever a set's tools differ from before).
 */
@Injectable()
export class HubToolRegistry {
  private readonly tools = new Map<string, HubTool>();
  private readonly sets = new Map<string, { tools: Map<string, HubTool>; fingerprint: string }>();
  private listeners: (() => void)[] = [];

  register(...tools: HubTool[]): void {
    for (const tool of tools) {
      if (this.get(tool.definition.name)) throw new Error(`Hub tool ${tool.definition.name} is registered twice`);
      this.tools.set(tool.definition.name, tool);
    }
  }

  /**
   * Replaces the tools registered under `key` (none before the first call) with these. Returns whether
   * anything a client sees (name, group, scope, definition) changed; only then are listeners told.
   */
  replaceSet(key: string, tools: HubTool[]): boolean {
    const taken = new Set([...this.tools.keys(), ...[...this.sets].filter(([k]) => k !== key).flatMap(([, set]) => [...set.tools.keys()])]);
    const clash = tools.find((tool) => taken.has(tool.definition.name));
    if (clash) throw new Error(`Hub tool ${clash.definition.name} is registered twice`);
    const fingerprint = JSON.stringify(tools.map((t) => [t.group, t.scope, t.definition]));
    const previous = this.sets.get(key);
    if ((previous?.fingerprint ?? '[]') === fingerprint) return false;
    this.sets.set(key, { tools: new Map(tools.map((t) => [t.definition.name, t])), fingerprint });
    for (const listener of this.listeners) listener();
    return true;
  }

  list(): HubTool[] {
    return [...this.tools.values(), ...[...this.sets.values()].flatMap((set) => [...set.tools.values()])];
  }

  get(name: string): HubTool | undefined {
    const fixed = this.tools.get(name);
    if (fixed) return fixed;
    for (const set of this.sets.values()) {
      const tool = set.tools.get(name);
      if (tool) return tool;
    }
    return undefined;
  }

  /** Called after a set's tools changed; returns unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}

/** Whether this caller (undefined without API keys) may call the tool. */
export function mayCall(tool: HubTool, principal: Principal | undefined): boolean {
  return !principal || principal.scopes.includes('admin') || principal.scopes.includes(tool.scope);
}

/** A tool result carrying JSON both as text (for every client) and as structured content. */
export function jsonToolResult(value: unknown, isError = false): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value as Record<string, unknown>, ...(isError ? { isError: true } : {}) };
}
