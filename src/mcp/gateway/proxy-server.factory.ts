import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolResult, Request, Result, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { toMcpError } from './mcp-errors';
import { RequestMeter } from './request-meter';
import { ProgressRelay } from './progress-relay';
import type { ToolCallContext } from './direct-tool-calls';
import { SHARED_SCHEMA_VALIDATOR, type SessionServer } from './session-server';

type Context = Pick<ToolCallContext, 'signal' | 'sessionId' | '_meta' | 'sendNotification'>;

/**
 * A transparent proxy to one upstream for `/mcp/servers/:name`: the client sees the upstream's own
 * name, version, capabilities and instructions, and every request and notification passes through
 * unchanged (progress and cancellation included).
 */
@Injectable()
export class ProxyServerFactory {
  constructor(
    private readonly upstreams: UpstreamManager,
    private readonly meter: RequestMeter,
  ) {}

  /** Throws (404/503) when the server is unknown or not connected. */
  create(name: string): SessionServer {
    const identity = this.upstreams.serverIdentity(name);
    const server = new Server(identity.info ?? { name, version: 'unknown' }, { capabilities: identity.capabilities, instructions: identity.instructions, jsonSchemaValidator: SHARED_SCHEMA_VALIDATOR });

    const forward = (request: Request, extra: Context): Promise<Result> => {
      const tool = request.method === 'tools/call' ? String((request.params as { name?: unknown })?.name) : undefined;
      return this.meter.measure(request.method, extra, { server: name, tool }, async () => {
        const progress = new ProgressRelay(extra);
        try {
          const result = await this.upstreams.request(name, (client, options) =>
            client.request({ method: request.method, params: request.params }, ResultSchema, {
              ...options,
              signal: extra.signal,
              ...(progress.listener ? { onprogress: progress.listener, resetTimeoutOnProgress: true } : {}),
            }),
          );
          await progress.flushed();
          return result;
        } catch (error) {
          throw toMcpError(error);
        }
      });
    };
    server.fallbackRequestHandler = forward;
    server.fallbackNotificationHandler = async (notification) => {
      if (notification.method === 'notifications/cancelled' || notification.method === 'notifications/initialized') return;
      await this.upstreams.client(name).notification(notification as never).catch(() => undefined);
    };
    return { server, callTool: (params, context) => forward({ method: 'tools/call', params: { ...params } }, context) as Promise<CallToolResult> };
  }
}
