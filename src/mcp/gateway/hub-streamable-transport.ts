import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeJsonRpcError } from '../../platform/http/json-rpc-error';
import { isJsonContentType } from '../../platform/http/content-type';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, InitializeRequest, JSONRPCMessage, RequestId, SUPPORTED_PROTOCOL_VERSIONS, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { BoundedEventStore, ReplayBudget } from './bounded-event-store';
import { isJsonRpcEnvelope, isRequest, responseIdOf } from './json-rpc-shape';

/** The first protocol revision whose clients understand priming events and can resume POST streams. */
const RESUMABLE_FROM = '2025-11-25';
const STANDALONE = '_standalone';

interface ResponseStream {
  id: string;
  /** Open HTTP response, or undefined while the client is disconnected (events keep being stored). */
  res?: ServerResponse;
  json: boolean;
  pending: Set<RequestId>;
  collected: JSONRPCMessage[];
}

/**
 * The Streamable HTTP server transport of one session, written against Node's http objects directly.
 * Behaves as the MCP spec (2025-11-25) and the SDK transport do, with one difference: a POST whose
 * requests ask for no progress is answered with plain JSON, and only requests that want progress get
 * an SSE stream (event ids, priming event, resumption with Last-Event-ID). That saves the SSE and
 * priming round trip on the common case. A JSON-mode POST becomes an SSE stream when a request or
 * notification related to it (sampling, elicitation, a log message) must go out before its result. The replay buffer is created with the first SSE event, so a
 * session that never streams costs no buffer.
 */
export class HubStreamableTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: { requestInfo?: { headers: IncomingMessage['headers'] } }) => void;
  readonly sessionId: string;

  private readonly streams = new Map<string, ResponseStream>();
  private readonly requestStreams = new Map<RequestId, string>();
  private events?: BoundedEventStore;
  private standaloneOpened = false;
  /** Names the session's POST streams; unique within the session is all an event id needs. */
  private streamCount = 0;
  private initialized = false;
  private closed = false;
  private protocolVersion = '2025-03-26';

  constructor(
    sessionId: string,
    private readonly replayBudget: ReplayBudget,
    private readonly onSessionClosed: () => void,
  ) {
    this.sessionId = sessionId;
  }

  /** False until an initialize request was accepted: a session whose first POST was refused never began. */
  get isInitialized(): boolean {
    return this.initialized;
  }

  async start(): Promise<void> {
    // requests arrive through handleRequest
  }

  async handleRequest(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (this.closed) return writeJsonRpcError(res, 404, -32001, 'Session not found');
    try {
      if (req.method === 'POST') return await this.handlePost(req, res, body);
      if (req.method === 'GET') return await this.handleGet(req, res);
      if (req.method === 'DELETE') {
        res.writeHead(200).end();
        this.onSessionClosed();
        return await this.close();
      }
      writeJsonRpcError(res, 405, -32000, 'Method not allowed.', { allow: 'GET, POST, DELETE' });
    } catch (error) {
      this.onerror?.(error as Error);
      if (!res.headersSent) writeJsonRpcError(res, 500, -32603, 'Internal error');
    }
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) return;
    const answered = responseIdOf(message);
    const related = answered ?? options?.relatedRequestId;
    const streamId = related === undefined ? STANDALONE : this.requestStreams.get(related);
    if (streamId === undefined) return;
    const stream = this.streams.get(streamId);
    // a client that never opened the standalone stream has no event id to resume it from
    if (streamId === STANDALONE && !stream && !this.standaloneOpened) return;

    if (stream?.json) {
      if (answered === undefined) {
        // a request or notification of a request of this POST goes out before the result: the answer becomes an SSE stream
        if (!this.switchToSse(stream)) return;
      } else {
        stream.collected.push(message);
        stream.pending.delete(answered);
        this.requestStreams.delete(answered);
        if (stream.pending.size === 0) this.finishJson(stream);
        return;
      }
    }

    this.writeEvent(streamId, stream, JSON.stringify(message));
    if (stream && answered !== undefined) {
      stream.pending.delete(answered);
      this.requestStreams.delete(answered);
      if (stream.pending.size === 0) {
        stream.res?.end();
        this.streams.delete(stream.id);
      }
    }
  }

  /** Requests still waiting get a ConnectionClosed error rather than an empty response; then every stream ends. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const id of [...this.requestStreams.keys()]) {
      await this.send({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message: 'Connection closed: the session ended before this request was answered' } });
    }
    this.closed = true;
    for (const stream of this.streams.values()) if (stream.res && !stream.res.writableEnded) stream.res.end();
    this.streams.clear();
    this.requestStreams.clear();
    this.events?.clear();
    this.onclose?.();
  }

  private async handlePost(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return writeJsonRpcError(res, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      return writeJsonRpcError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const raw = Array.isArray(body) ? body : [body];
    // McpEndpoints refused messages the SDK would drop (json-rpc-shape.ts) and the protocol layer validates params; here only the envelope
    if (raw.length === 0 || !raw.every(isJsonRpcEnvelope)) return writeJsonRpcError(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
    const messages = raw as JSONRPCMessage[];

    const initialize = messages.find((m) => 'method' in m && m.method === 'initialize' && isInitializeRequest(m)) as InitializeRequest | undefined;
    if (initialize) {
      if (this.initialized) return writeJsonRpcError(res, 400, -32600, 'Invalid Request: Server already initialized');
      if (messages.length > 1) return writeJsonRpcError(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
      this.initialized = true;
      this.protocolVersion = String(initialize.params.protocolVersion);
    } else {
      const versionProblem = this.checkProtocolVersion(req);
      if (versionProblem) return writeJsonRpcError(res, 400, -32000, versionProblem);
    }

    const requests = messages.filter(isRequest);
    const ids = new Set(requests.map((r) => r.id));
    if (ids.size < requests.length || requests.some((r) => this.requestStreams.has(r.id))) {
      return writeJsonRpcError(res, 400, -32600, 'Invalid Request: a request id is already in use by a request that is not answered yet');
    }
    if (requests.length === 0) {
      res.writeHead(202, { 'mcp-session-id': this.sessionId }).end();
      this.dispatch(messages, req);
      return;
    }

    const wantsProgress = requests.some((r) => (r.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta?.progressToken !== undefined);
    const stream: ResponseStream = { id: String(++this.streamCount), res, json: !wantsProgress, pending: new Set(requests.map((r) => r.id)), collected: [] };
    this.streams.set(stream.id, stream);
    for (const request of requests) this.requestStreams.set(request.id, stream.id);

    if (!stream.json) {
      this.openSse(stream, res);
    } else {
      res.on('close', () => {
        if (stream.json && !res.writableEnded) this.dropStream(stream);
      });
    }
    this.dispatch(messages, req);
  }

  private openSse(stream: ResponseStream, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'mcp-session-id': this.sessionId });
    if (this.protocolVersion >= RESUMABLE_FROM) res.write(`id: ${this.eventStore().store(stream.id, '')}\ndata: \n\n`);
    res.on('close', () => {
      if (this.streams.get(stream.id)?.res === res) stream.res = undefined;
    });
  }

  /** A JSON-mode POST answered as SSE from now on, with the responses it collected first; false when its response is gone. */
  private switchToSse(stream: ResponseStream): boolean {
    const res = stream.res;
    if (!res || res.writableEnded || res.headersSent) return false;
    stream.json = false;
    this.openSse(stream, res);
    for (const collected of stream.collected.splice(0)) this.writeEvent(stream.id, stream, JSON.stringify(collected));
    return true;
  }

  private writeEvent(streamId: string, stream: ResponseStream | undefined, data: string): void {
    const eventId = this.eventStore().store(streamId, data);
    if (stream?.res && !stream.res.writableEnded) {
      const event = `id: ${eventId}\nevent: message\ndata: ${data}\n\n`;
      stream.res.write(event);
      // a client that does not read would have Node buffer every event on its socket: once what waits
      // before this event passes the replay cap, cut it off; it reconnects with Last-Event-ID
      if (stream.res.writableLength - Buffer.byteLength(event) > this.replayBudget.sessionMaxBytes) {
        stream.res.destroy();
        stream.res = undefined;
      }
    }
  }

  private async handleGet(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers.accept ?? '').includes('text/event-stream')) return writeJsonRpcError(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    const versionProblem = this.checkProtocolVersion(req);
    if (versionProblem) return writeJsonRpcError(res, 400, -32000, versionProblem);

    const lastEventId = req.headers['last-event-id'];
    const headers = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'mcp-session-id': this.sessionId };
    if (typeof lastEventId === 'string' && lastEventId) {
      const streamId = this.events?.streamIdOf(lastEventId);
      if (!streamId) return writeJsonRpcError(res, 400, -32000, 'Invalid event ID format');
      const existing = this.streams.get(streamId);
      if (existing?.res) return writeJsonRpcError(res, 409, -32000, 'Conflict: Stream already has an active connection');
      res.writeHead(200, headers);
      this.events!.replayAfter(lastEventId, (eventId, data) => void res.write(`id: ${eventId}\nevent: message\ndata: ${data}\n\n`));
      if (existing) {
        existing.res = res;
        res.on('close', () => {
          if (existing.res === res) existing.res = undefined;
        });
      } else if (streamId !== STANDALONE) {
        res.end();
      } else {
        this.attachStandalone(res);
      }
      return;
    }
    if (this.streams.get(STANDALONE)?.res) return writeJsonRpcError(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    res.writeHead(200, headers);
    this.attachStandalone(res);
  }

  private attachStandalone(res: ServerResponse): void {
    this.standaloneOpened = true;
    const stream: ResponseStream = { id: STANDALONE, res, json: false, pending: new Set(), collected: [] };
    this.streams.set(STANDALONE, stream);
    res.flushHeaders();
    res.on('close', () => {
      if (this.streams.get(STANDALONE) === stream) this.streams.delete(STANDALONE);
    });
  }

  private dispatch(messages: JSONRPCMessage[], req: IncomingMessage): void {
    for (const message of messages) {
      this.onmessage?.(message, { requestInfo: { headers: req.headers } });
      if ('method' in message && message.method === 'notifications/cancelled') this.release((message.params as { requestId?: RequestId } | undefined)?.requestId);
    }
  }

  /**
   * A cancelled request gets no response (the spec says so, and the server sends none), so its
   * stream stops waiting for it: once nothing else is pending, an SSE stream ends and a JSON one is
   * answered with what it collected, or 202 when that is nothing.
   */
  private release(requestId: RequestId | undefined): void {
    const streamId = requestId === undefined ? undefined : this.requestStreams.get(requestId);
    if (streamId === undefined) return;
    this.requestStreams.delete(requestId!);
    const stream = this.streams.get(streamId);
    if (!stream) return;
    stream.pending.delete(requestId!);
    if (stream.pending.size > 0) return;
    if (stream.json) return this.finishJson(stream);
    stream.res?.end();
    this.streams.delete(stream.id);
  }

  private finishJson(stream: ResponseStream): void {
    this.streams.delete(stream.id);
    const res = stream.res;
    if (!res || res.writableEnded) return;
    if (stream.collected.length === 0) return void res.writeHead(202, { 'mcp-session-id': this.sessionId }).end();
    const payload = stream.collected.length === 1 ? stream.collected[0] : stream.collected;
    const body = JSON.stringify(payload);
    // a known length lets Node send headers and body in one write instead of chunked framing
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'mcp-session-id': this.sessionId }).end(body);
  }

  private eventStore(): BoundedEventStore {
    this.events ??= new BoundedEventStore(this.replayBudget);
    return this.events;
  }

  private dropStream(stream: ResponseStream): void {
    this.streams.delete(stream.id);
    for (const id of stream.pending) this.requestStreams.delete(id);
  }

  private checkProtocolVersion(req: IncomingMessage): string | undefined {
    const version = req.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`;
    }
    return undefined;
  }
}
