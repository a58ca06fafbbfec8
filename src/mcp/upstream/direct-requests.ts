import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, ResultSchema, type JSONRPCMessage, type Progress, type Request, type Result } from '@modelcontextprotocol/sdk/types.js';
import { isPlainObject } from '../../platform/plain-object';

export interface DirectRequestOptions {
  timeout: number;
  signal?: AbortSignal;
  onprogress?: (progress: Progress) => void;
  /** Each progress notification restarts the time limit. */
  resetTimeoutOnProgress?: boolean;
}

interface Waiting {
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /** Progress restarts the time limit. */
  restartOnProgress: boolean;
  onprogress?: (progress: Progress) => void;
  stopWatching?: () => void;
}

type Message = Record<string, unknown>;

const byClient = new WeakMap<Client, DirectRequests>();

/**
 * Requests to an upstream written on its client's transport and answered here, ahead of the SDK
 * client, which keeps every other message. tools/call is the hub's hot path: this skips the SDK's
 * schema checks per response (three of the envelope, one of the result — the line reader has
 * checked the shape) and its bookkeeping per request, while keeping its behaviour: a time limit,
 * restarted by progress when asked; notifications/cancelled upstream on abort or timeout, with the
 * same errors; an error response as McpError.fromError; ConnectionClosed when the transport closes.
 * Ids are strings (`hub-1`, ...), so they never meet the SDK client's numeric ones.
 */
export class DirectRequests {
  private sent = 0;
  private closed = false;
  private readonly waiting = new Map<string, Waiting>();

  private constructor(private readonly transport: Transport) {
    const sdkMessage = transport.onmessage;
    const sdkClose = transport.onclose;
    transport.onmessage = (message, extra) => {
      if (!this.answer(message as unknown as Message)) sdkMessage?.(message, extra);
    };
    transport.onclose = () => {
      this.closed = true;
      this.closeAll();
      sdkClose?.();
    };
  }

  /** Call once the client is connected (its handlers are on the transport). */
  static attach(client: Client): void {
    if (client.transport) byClient.set(client, new DirectRequests(client.transport));
  }

  static of(client: Client): DirectRequests | undefined {
    return byClient.get(client);
  }

  get size(): number {
    return this.waiting.size;
  }

  request(request: Request, options: DirectRequestOptions): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const { signal, onprogress } = options;
      if (this.closed) return reject(new Error('Not connected'));
      if (signal?.aborted) return reject(signal.reason);
      const id = `hub-${++this.sent}`;
      const params = onprogress ? { ...request.params, _meta: { ...request.params?._meta, progressToken: id } } : request.params;
      const timedOut = () => this.cancel(id, McpError.fromError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: options.timeout }));
      let stopWatching: (() => void) | undefined;
      if (signal) {
        const aborted = () => this.cancel(id, signal.reason);
        signal.addEventListener('abort', aborted, { once: true });
        stopWatching = () => signal.removeEventListener('abort', aborted);
      }
      // every field in one literal: with functions added to it afterwards, each call's objects outlived
      // young-generation collections and went to the old generation, about 1 KB per call
      // (--trace-gc-nvp), there until the next full collection
      const waiting: Waiting = { resolve, reject, timer: setTimeout(timedOut, options.timeout), onprogress, restartOnProgress: options.resetTimeoutOnProgress === true, stopWatching };
      this.waiting.set(id, waiting);
      this.transport.send({ jsonrpc: '2.0', id, method: request.method, ...(params ? { params } : {}) } as JSONRPCMessage).catch((error: Error) => {
        if (this.settle(id)) reject(error);
      });
    });
  }

  /** Handles the answers and progress of its own requests; false for anything else. */
  private answer(message: Message): boolean {
    const id = message.id;
    if (typeof id === 'string') {
      if (message.method !== undefined) return false;
      const waiting = this.settle(id);
      if (!waiting) return false;
      const error = message.error as { code?: unknown; message?: unknown; data?: unknown } | undefined;
      if (error) waiting.reject(McpError.fromError(typeof error.code === 'number' ? error.code : ErrorCode.InternalError, String(error.message), error.data));
      else waiting.resolve(message.result as Result);
      return true;
    }
    if (id === undefined && message.method === 'notifications/progress') {
      const params = (message.params ?? {}) as Record<string, unknown>;
      const waiting = typeof params.progressToken === 'string' ? this.waiting.get(params.progressToken) : undefined;
      if (!waiting) return false;
      // what the SDK's schema would refuse is dropped, as the SDK drops it; what it would strip goes too
      const progress = progressOf(params);
      if (progress) {
        if (waiting.restartOnProgress) waiting.timer.refresh();
        waiting.onprogress?.(progress);
      }
      return true;
    }
    return false;
  }

  /** What waited for `id`, now no longer waiting; undefined when it was answered already. */
  private settle(id: string): Waiting | undefined {
    const waiting = this.waiting.get(id);
    if (!waiting) return undefined;
    this.waiting.delete(id);
    clearTimeout(waiting.timer);
    waiting.stopWatching?.();
    return waiting;
  }

  private cancel(id: string, reason: unknown): void {
    const waiting = this.settle(id);
    if (!waiting) return;
    this.transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(reason) } }).catch(() => undefined);
    waiting.reject(reason instanceof McpError ? reason : new McpError(ErrorCode.RequestTimeout, String(reason)));
  }

  private closeAll(): void {
    const error = McpError.fromError(ErrorCode.ConnectionClosed, 'Connection closed');
    for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(error);
  }
}

/** A progress notification's params as the SDK passes them on (progress, total, message, _meta), or undefined when malformed. */
function progressOf({ progress, total, message, _meta }: Record<string, unknown>): Progress | undefined {
  if (typeof progress !== 'number' || (total !== undefined && typeof total !== 'number') || (message !== undefined && typeof message !== 'string')) return undefined;
  if (_meta !== undefined && !isPlainObject(_meta)) return undefined;
  return { progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}), ...(_meta !== undefined ? { _meta } : {}) } as Progress;
}

/**
 * The request's result, through the client's DirectRequests once it is attached, else through the
 * SDK client. ResultSchema, not the method's own: the result goes on unchanged and its reader checks
 * it (an MCP client does, with the tool's outputSchema).
 */
export function requestResult(client: Client, request: Request, options: DirectRequestOptions): Promise<Result> {
  const direct = DirectRequests.of(client);
  return direct ? direct.request(request, options) : client.request(request as Parameters<Client['request']>[0], ResultSchema, options);
}
