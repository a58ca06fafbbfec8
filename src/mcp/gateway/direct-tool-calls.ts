import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResult,
  ErrorCode,
  JSONRPCMessage,
  JSONRPCRequest,
  McpError,
  Notification,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { isNotification, isRequest } from './json-rpc-shape';
import { isPlainObject } from '../../platform/plain-object';

export interface ToolCallParams {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: { progressToken?: string | number };
}

/** What a tools/call handler gets: the same fields the SDK's request handlers use. */
export interface ToolCallContext {
  signal: AbortSignal;
  sessionId?: string;
  requestId: RequestId;
  _meta?: { progressToken?: string | number };
  sendNotification: (notification: Notification) => Promise<void>;
}

export type ToolCallHandler = (params: ToolCallParams, context: ToolCallContext) => Promise<CallToolResult>;

/** The params of a tools/call request, or why they are not valid. */
export function toolCallParams(params: unknown): ToolCallParams | string {
  if (!isPlainObject(params)) return 'params must be an object';
  if (typeof params.name !== 'string') return 'params.name must be a string';
  if (params.arguments !== undefined && !isPlainObject(params.arguments)) return 'params.arguments must be an object';
  const meta = params._meta;
  if (meta !== undefined) {
    if (!isPlainObject(meta)) return 'params._meta must be an object';
    if (meta.progressToken !== undefined && typeof meta.progressToken !== 'string' && typeof meta.progressToken !== 'number') return 'params._meta.progressToken must be a string or a number';
  }
  return params as unknown as ToolCallParams;
}

function errorResponse(id: RequestId, error: unknown): JSONRPCMessage {
  const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
  return {
    jsonrpc: '2.0',
    id,
    error: { code: Number.isSafeInteger(code) ? (code as number) : ErrorCode.InternalError, message: typeof message === 'string' ? message : 'Internal error', ...(data !== undefined ? { data } : {}) },
  };
}

/**
 * Answers the session's `tools/call` requests with `handler` directly, ahead of the SDK server, which
 * keeps every other message. tools/call is the hub's hot path: this skips the SDK's per-request
 * schema parsing (the request twice, the result once — the upstream's result was parsed on arrival)
 * while keeping its behaviour: the same error responses, progress notifications related to the
 * request, and `notifications/cancelled` or the transport closing aborting the handler, after which
 * no response is sent. Call after `server.connect(transport)`.
 */
export function serveToolCallsDirectly(transport: Transport, handler: ToolCallHandler): void {
  const running = new Map<RequestId, AbortController>();
  const sdk = transport.onmessage;
  const closed = transport.onclose;
  transport.onclose = () => {
    for (const controller of running.values()) controller.abort('the session closed');
    closed?.();
  };

  const run = async (request: JSONRPCRequest): Promise<void> => {
    const id = request.id;
    const params = toolCallParams(request.params);
    if (typeof params === 'string') {
      await transport.send(errorResponse(id, new McpError(ErrorCode.InvalidParams, `Invalid tools/call request: ${params}`)));
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    const context: ToolCallContext = {
      signal: controller.signal,
      sessionId: transport.sessionId,
      requestId: id,
      _meta: params._meta,
      sendNotification: (notification) => transport.send({ jsonrpc: '2.0', ...notification } as JSONRPCMessage, { relatedRequestId: id }),
    };
    let response: JSONRPCMessage;
    try {
      response = { jsonrpc: '2.0', id, result: await handler(params, context) };
    } catch (error) {
      response = errorResponse(id, error);
    } finally {
      running.delete(id);
    }
    if (!controller.signal.aborted) await transport.send(response);
  };

  transport.onmessage = (message, extra) => {
    if (isRequest(message) && message.method === 'tools/call') {
      void run(message).catch((error: Error) => transport.onerror?.(error));
      return;
    }
    if (isNotification(message) && message.method === 'notifications/cancelled') {
      const { requestId, reason } = (message.params ?? {}) as { requestId?: RequestId; reason?: string };
      if (requestId !== undefined) running.get(requestId)?.abort(reason);
    }
    sdk?.(message, extra);
  };
}
