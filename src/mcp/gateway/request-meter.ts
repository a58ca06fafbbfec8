import { Injectable } from '@nestjs/common';
import { EventBus } from '../../platform/events/event-bus';

/** Times every MCP request the hub serves and puts it on the bus as `mcp.request`. */
@Injectable()
export class RequestMeter {
  constructor(private readonly events: EventBus) {}

  async measure<T>(method: string, extra: { sessionId?: string }, labels: { server?: string; tool?: string }, work: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    let outcome = 'ok';
    let error: string | undefined;
    try {
      const result = await work();
      // a tool that answers with isError (hub tools turn domain errors into such results) did not succeed
      if ((result as { isError?: unknown } | undefined)?.isError === true) outcome = 'tool_error';
      return result;
    } catch (e) {
      outcome = 'error';
      error = (e as Error).message;
      throw e;
    } finally {
      this.events.publish(
        'mcp.request',
        { method, session: extra.sessionId ?? null, server: labels.server ?? null, tool: labels.tool ?? null, durationMs: Math.round((performance.now() - started) * 1000) / 1000, outcome, ...(error ? { error } : {}) },
        extra.sessionId,
      );
    }
  }
}
