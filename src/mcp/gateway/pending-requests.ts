import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isNotification, isRequest, responseIdOf } from './json-rpc-shape';

/**
 * The requests of one session that are not answered yet. Every one gets an answer: when the server
 * has sent nothing for it — no result, no progress — for `timeoutMs`, the client gets a
 * RequestTimeout error and the handler is cancelled as if the client had cancelled it, so nothing
 * answers it twice. Shutdown waits on `settled()` before it closes the session, and `answerAll()`
 * answers what is left when it closes anyway.
 */
export class PendingRequests {
  private readonly timers = new Map<RequestId, NodeJS.Timeout>();
  private waiters: (() => void)[] = [];
  private transport?: Transport;

  constructor(private readonly timeoutMs: number) {}

  /** Starts watching the transport's messages; call after `server.connect(transport)` and serveToolCallsDirectly, so it sees every message first. */
  watch(transport: Transport): void {
    this.transport = transport;
    const receive = transport.onmessage;
    const send = transport.send.bind(transport);
    const closed = transport.onclose;
    transport.onmessage = (message, extra) => {
      if (isRequest(message)) this.track(message.id);
      else if (isNotification(message) && message.method === 'notifications/cancelled') this.forget((message.params as { requestId?: RequestId } | undefined)?.requestId);
      receive?.(message, extra);
    };
    transport.send = (message, options) => {
      const answered = responseIdOf(message);
      if (answered !== undefined) this.forget(answered);
      else if (options?.relatedRequestId !== undefined) this.timers.get(options.relatedRequestId)?.refresh();
      return send(message, options);
    };
    // what is still waiting when the transport is gone can no longer be answered
    transport.onclose = () => {
      for (const id of [...this.timers.keys()]) this.forget(id);
      closed?.();
    };
  }

  get size(): number {
    return this.timers.size;
  }

  /** Resolves once no request is waiting for an answer. */
  settled(): Promise<void> {
    if (this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Answers every waiting request with an error now (its session is closing) and cancels its handler. */
  answerAll(code: number, message: string): void {
    for (const id of [...this.timers.keys()]) this.answer(id, code, message);
  }

  private track(id: RequestId): void {
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(() => this.answer(id, ErrorCode.RequestTimeout, `Request timed out: the hub had no answer within ${this.timeoutMs} ms`), this.timeoutMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  private forget(id: RequestId | undefined): void {
    if (id === undefined) return;
    const timer = this.timers.get(id);
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(id);
    if (this.timers.size === 0) this.waiters.splice(0).forEach((wake) => wake());
  }

  private answer(id: RequestId, code: number, message: string): void {
    const transport = this.transport!;
    void transport.send({ jsonrpc: '2.0', id, error: { code, message } }).catch((error: Error) => transport.onerror?.(error));
    transport.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: message } });
  }
}
