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

/** The provider interface through which features add tools to the MCP gateway. */
@Injectable()
export class HubToolRegistry {
  private readonly tools = new Map<string, HubTool>();

  register(...tools: HubTool[]): void {
    for (const tool of tools) {
      if (this.tools.has(tool.definition.name)) throw new Error(`Hub tool ${tool.definition.name} is registered twice`);
      this.tools.set(tool.definition.name, tool);
    }
  }

  list(): HubTool[] {
    return [...this.tools.values()];
  }

  get(name: string): HubTool | undefined {
    return this.tools.get(name);
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
