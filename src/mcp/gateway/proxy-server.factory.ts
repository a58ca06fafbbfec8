import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolResult, ErrorCode, McpError, Request, Result, ResultSchema, SetLevelRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { orMcpError, toMcpError } from './mcp-errors';
import { RequestMeter } from './request-meter';
import { ProgressRelay } from './progress-relay';
import type { ToolCallContext } from './direct-tool-calls';
import { originOf } from './request-origin';
import { ResourceSubscriptions } from './resource-subscriptions';
import { SessionLogLevels } from './session-log-levels';
import { SHARED_SCHEMA_VALIDATOR, type SessionServer } from './session-server';
import { TaskOwners } from './task-owners';

type Context = Pick<ToolCallContext, 'signal' | 'sessionId' | 'requestId' | '_meta' | 'sendNotification'>;

/** What a direct server answers for a task id it does not know (the SDK's task handlers), per method. */
const UNKNOWN_TASK: Record<string, (taskId: string) => string> = {
  'tasks/get': () => 'Failed to retrieve task: Task not found',
  'tasks/result': (taskId) => `Task not found: ${taskId}`,
  'tasks/cancel': (taskId) => `Task not found: ${taskId}`,
};

/**
 * A transparent proxy to one upstream for `/mcp/servers/:name`: the client sees the upstream's own
 * name, version, capabilities and instructions, and every request and notification passes through
 * unchanged (progress and cancellation included). With a shared upstream connection, what belongs to
 * one client stays its own: its resource subscriptions, its tasks, its log level.
 */
@Injectable()
export class ProxyServerFactory {
  constructor(
    private readonly upstreams: UpstreamManager,
    private readonly meter: RequestMeter,
    private readonly subscriptions: ResourceSubscriptions,
    private readonly tasks: TaskOwners,
    private readonly levels: SessionLogLevels,
  ) {}

  /** Throws (404/503) when the server is unknown or not connected. */
  create(name: string): SessionServer {
    const identity = this.upstreams.serverIdentity(name);
    const server = new Server(identity.info ?? { name, version: 'unknown' }, { capabilities: identity.capabilities, instructions: identity.instructions, jsonSchemaValidator: SHARED_SCHEMA_VALIDATOR });
    const own = this.upstreams.isolatedPerSession(name);

    const send = async (request: Request, extra: Context): Promise<Result> => {
      const progress = new ProgressRelay(extra);
      try {
        const result = await this.upstreams.request(
          name,
          (client, options) =>
            client.request({ method: request.method, params: request.params }, ResultSchema, {
              ...options,
              signal: extra.signal,
              ...(progress.listener ? { onprogress: progress.listener, resetTimeoutOnProgress: true } : {}),
            }),
          undefined,
          originOf(extra),
        );
        await progress.flushed();
        return result;
      } catch (error) {
        throw toMcpError(error);
      }
    };

    const forward = (request: Request, extra: Context): Promise<Result> => {
      const tool = request.method === 'tools/call' ? String((request.params as { name?: unknown })?.name) : undefined;
      return this.meter.measure(request.method, extra, { server: name, tool }, async () => {
        const origin = originOf(extra);
        const uri = (request.params as { uri?: unknown } | undefined)?.uri;
        if (origin && typeof uri === 'string' && request.method === 'resources/subscribe') {
          await orMcpError(this.subscriptions.subscribe(name, uri, origin, uri));
          return {};
        }
        if (origin && typeof uri === 'string' && request.method === 'resources/unsubscribe') {
          await orMcpError(this.subscriptions.unsubscribe(name, uri, origin));
          return {};
        }
        if (own || !origin) return send(request, extra);
        return this.sendShared(name, request, extra, origin.sessionId, send);
      });
    };

    server.fallbackRequestHandler = forward;
    if (identity.capabilities.logging) {
      server.setRequestHandler(SetLevelRequestSchema, (request, extra) => {
        if (extra.sessionId) this.levels.set(extra.sessionId, request.params.level);
        // a shared upstream's level is every session's: it stays, and the hub filters for this session
        return own ? forward(request, extra) : {};
      });
    }
    server.fallbackNotificationHandler = async (notification) => {
      if (notification.method === 'notifications/cancelled' || notification.method === 'notifications/initialized') return;
      await this.upstreams.notifyUpstream(name, notification, server.transport?.sessionId).catch(() => undefined);
    };
    return { server, callTool: (params, context) => forward({ method: 'tools/call', params: { ...params } }, context) as Promise<CallToolResult> };
  }

  /** On a shared connection a session sees and touches only the tasks it created. */
  private async sendShared(name: string, request: Request, extra: Context, sessionId: string, send: (request: Request, extra: Context) => Promise<Result>): Promise<Result> {
    const unknownTask = UNKNOWN_TASK[request.method];
    if (unknownTask) {
      const taskId = (request.params as { taskId?: unknown } | undefined)?.taskId;
      if (this.tasks.ownerOf(name, taskId) !== sessionId) throw new McpError(ErrorCode.InvalidParams, unknownTask(String(taskId)));
    }
    const result = await send(request, extra);
    if (request.method === 'tasks/list') {
      const tasks = (result as { tasks?: { taskId?: unknown }[] }).tasks ?? [];
      return { ...result, tasks: tasks.filter((task) => this.tasks.ownerOf(name, task.taskId) === sessionId) };
    }
    this.tasks.recordFrom(name, sessionId, result);
    return result;
  }
}
