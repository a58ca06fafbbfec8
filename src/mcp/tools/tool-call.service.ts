import { Injectable } from '@nestjs/common';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { maskSecrets } from '../../platform/secrets/secret-mask';
import { CatalogService } from '../catalog/catalog.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { JsonSchemaValidator } from '../../platform/json-schema/json-schema-validator';
import type { RequestOrigin } from '../upstream/in-flight-origins';
import { requestResult } from '../upstream/direct-requests';

export type ToolCallOutcome = 'ok' | 'tool_error' | 'invalid_arguments' | 'unavailable' | 'timeout' | 'cancelled' | 'error';

export interface ToolCallOptions {
  timeoutMs?: number;
  /** Aborting it cancels the upstream request (notifications/cancelled is sent upstream). */
  signal?: AbortSignal;
  /** Upstream progress notifications; each one also restarts the time limit. */
  onprogress?: (progress: Progress) => void;
  /** Who called: `rest`, or the MCP session id. */
  caller?: string;
  /** The MCP client session and request the call is made for: what the upstream asks or logs meanwhile goes there. */
  origin?: RequestOrigin;
}

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

  async call(server: string, toolName: string, args: Record<string, unknown>, options: ToolCallOptions = {}): Promise<CallToolResult> {
    const started = performance.now();
    let outcome: ToolCallOutcome = 'error';
    let error: string | undefined;
    let known = false;
    try {
      if (!this.upstreams.has(server)) throw new NotFoundError('tool', `${server}/${toolName}`, 'TOOL_NOT_FOUND');
      // a server that is not connected answers 503 even when its catalog is unknown (it never connected)
      this.upstreams.client(server);
      const tool = this.catalog.tool(server, toolName);
      known = tool !== undefined;
      if (!tool) throw new NotFoundError('tool', `${server}/${toolName}`, 'TOOL_NOT_FOUND');
      const problems = this.validator.validate(tool.inputSchema, args);
      if (problems.length > 0) {
        outcome = 'invalid_arguments';
        throw new ValidationFailedError(problems.map((p) => ({ field: `arguments.${p.field}`, reason: p.reason })));
      }
      const result = (await this.upstreams.request(
        server,
        (client, requestOptions) =>
          requestResult(client, { method: 'tools/call', params: { name: toolName, arguments: args } }, {
            timeout: requestOptions.timeout,
            signal: options.signal,
            onprogress: options.onprogress,
            resetTimeoutOnProgress: options.onprogress !== undefined,
          }),
        options.timeoutMs,
        options.origin,
      )) as CallToolResult;
      outcome = result.isError ? 'tool_error' : 'ok';
      return result;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (outcome !== 'invalid_arguments') {
        outcome = options.signal?.aborted ? 'cancelled' : code === 'UPSTREAM_TIMEOUT' ? 'timeout' : code === 'UPSTREAM_UNAVAILABLE' ? 'unavailable' : 'error';
      }
      // the call's event is stored in telemetry: an upstream's message may quote a credential
      error = maskSecrets((e as Error).message);
      throw e;
    } finally {
      this.events.publish(
        'mcp.tool.call',
        // known: the catalog holds this tool; otherwise server and tool are whatever the caller sent
        { server, tool: toolName, known, caller: options.caller ?? 'rest', durationMs: Math.round((performance.now() - started) * 1000) / 1000, outcome, ...(error ? { error } : {}) },
        `${server}/${toolName}`,
      );
    }
  }
}
