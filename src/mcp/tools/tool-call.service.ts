import { Injectable } from '@nestjs/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { CatalogService } from '../catalog/catalog.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { JsonSchemaValidator } from './json-schema-validator';

export type ToolCallOutcome = 'ok' | 'tool_error' | 'invalid_arguments' | 'unavailable' | 'timeout' | 'error';

/**
 * Calls a tool of an upstream: arguments checked against its inputSchema first (nothing is sent when
 * they are bad), a per-call time limit, upstream failures mapped to 502/504, every call on the bus.
 */
@Injectable()
export class ToolCallService {
  private readonly validator = new JsonSchemaValidator();

  constructor(
    private readonly catalog: CatalogService,
    private readonly upstreams: UpstreamManager,
    private readonly events: EventBus,
  ) {}

  async call(server: string, toolName: string, args: Record<string, unknown>, timeoutMs?: number): Promise<CallToolResult> {
    const started = performance.now();
    let outcome: ToolCallOutcome = 'error';
    let error: string | undefined;
    try {
      const tool = this.catalog.tool(server, toolName);
      if (!tool) throw new NotFoundError('tool', `${server}/${toolName}`, 'TOOL_NOT_FOUND');
      const problems = this.validator.validate(tool.inputSchema, args);
      if (problems.length > 0) {
        outcome = 'invalid_arguments';
        throw new ValidationFailedError(problems.map((p) => ({ field: `arguments.${p.field}`, reason: p.reason })));
      }
      const result = (await this.upstreams.request(server, (client, options) => client.callTool({ name: toolName, arguments: args }, undefined, options), timeoutMs)) as CallToolResult;
      outcome = result.isError ? 'tool_error' : 'ok';
      return result;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (outcome !== 'invalid_arguments') outcome = code === 'UPSTREAM_TIMEOUT' ? 'timeout' : code === 'UPSTREAM_UNAVAILABLE' ? 'unavailable' : 'error';
      error = (e as Error).message;
      throw e;
    } finally {
      this.events.publish(
        'mcp.tool.call',
        { server, tool: toolName, durationMs: Math.round((performance.now() - started) * 1000) / 1000, outcome, ...(error ? { error } : {}) },
        `${server}/${toolName}`,
      );
    }
  }
}
