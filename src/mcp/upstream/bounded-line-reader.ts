import { deserializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isPlainObject } from '../../platform/plain-object';

/**
 * `error.data` of the response the reader puts in place of one that was too large. The SDK hands
 * the object through as it is, so `instanceof` tells it from anything an upstream could send.
 */
export class MessageTooLarge {
  constructor(
    readonly bytes: number,
    readonly limitBytes: number,
  ) {}
}

export interface OversizedMessage {
  bytes: number;
  limitBytes: number;
  /** The id of the request it answered, when it was a response and the id could be read. */
  requestId?: string | number;
}

interface Oversized {
  bytes: number;
  head: Buffer;
  tail: Buffer;
}

const KEEP = 512;
// a response names `result` or `error` among its first keys; a request or notification `method`
const FIRST_KEYS = /^\s*\{\s*(?:"(?:jsonrpc|id)"\s*:\s*(?:"(?:[^"\\]|\\.){0,200}"|-?\d{1,20})\s*,\s*){0,2}"(result|error|method)"/;
const ID_AT_START = /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d{1,20}|"(?:[^"\\]|\\.){0,200}")/;
const ID_AT_END = /"id"\s*:\s*(-?\d{1,20}|"(?:[^"\\]|\\.){0,200}")\s*\}\s*$/;

/**
 * A line as a JSON-RPC message. A response or a notification with the plain shape skips the SDK's
 * schema parse (the SDK checks results against the request's own schema anyway); anything else, and
 * every request, goes through it, so a malformed line is reported as the SDK reports it.
 */
function parseMessage(line: string): JSONRPCMessage {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return deserializeMessage(line);
  }
  if (!isPlainObject(message)) return deserializeMessage(line);
  const plainResponse = ('result' in message ? isPlainObject(message.result) : isPlainObject(message.error)) && (typeof message.id === 'string' || typeof message.id === 'number');
  const plainNotification = typeof message.method === 'string' && !('id' in message) && (message.params === undefined || isPlainObject(message.params));
  if (message.jsonrpc === '2.0' && (plainResponse || plainNotification)) return message as unknown as JSONRPCMessage;
  return deserializeMessage(line);
}

/**
 * Splits a stdio stream into JSON-RPC messages, one per line, with a bound per message. A line over
 * the bound is not buffered: the rest of it is counted and dropped, and when it was a response, an
 * error response for the same request id takes its place, so that call fails with the size while
 * the connection stays. (The SDK's ReadBuffer throws instead, and its transport then closes.)
 * Same interface as the SDK's ReadBuffer: append(), readMessage(), clear().
 */
export class BoundedLineReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private oversized?: Oversized;
  private readonly ready: (Buffer | Oversized)[] = [];

  constructor(
    readonly limitBytes: number,
    private readonly onOversized: (message: OversizedMessage) => void,
  ) {}

  append(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      this.take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  }

  /** The next message; null when none is complete. Throws for a line that is not JSON-RPC (the SDK reports it and reads on). */
  readMessage(): JSONRPCMessage | null {
    const next = this.ready.shift();
    if (next === undefined) return null;
    if (Buffer.isBuffer(next)) return parseMessage(next.toString('utf8').replace(/\r$/, ''));
    return this.replacement(next);
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
    this.oversized = undefined;
    this.ready.length = 0;
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.oversized) {
      this.oversized.bytes += piece.length;
      this.oversized.tail = piece.length >= KEEP ? Buffer.from(piece.subarray(-KEEP)) : Buffer.concat([this.oversized.tail, piece]).subarray(-KEEP);
      return;
    }
    this.chunks.push(piece);
    this.length += piece.length;
    if (this.length > this.limitBytes) {
      const line = Buffer.concat(this.chunks, this.length);
      this.oversized = { bytes: this.length, head: Buffer.from(line.subarray(0, KEEP)), tail: Buffer.from(line.subarray(-KEEP)) };
      this.chunks = [];
      this.length = 0;
    }
  }

  private endLine(): void {
    if (this.oversized) {
      this.ready.push(this.oversized);
      this.oversized = undefined;
      return;
    }
    if (this.length === 0) return;
    this.ready.push(this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length));
    this.chunks = [];
    this.length = 0;
  }

  private replacement(line: Oversized): JSONRPCMessage {
    const head = line.head.toString('latin1');
    const kind = FIRST_KEYS.exec(head)?.[1];
    const idText = ID_AT_START.exec(head)?.[1] ?? ID_AT_END.exec(line.tail.toString('latin1'))?.[1];
    const requestId = kind !== 'method' && idText !== undefined ? (JSON.parse(idText) as string | number) : undefined;
    const message = `a message of ${line.bytes} bytes is over the limit of ${this.limitBytes} bytes (MCP_UPSTREAM_MAX_MESSAGE_BYTES)`;
    this.onOversized({ bytes: line.bytes, limitBytes: this.limitBytes, requestId });
    if (requestId === undefined || kind === undefined) throw new Error(`Dropped ${message}`);
    return { jsonrpc: '2.0', id: requestId, error: { code: -32603, message, data: new MessageTooLarge(line.bytes, this.limitBytes) } };
  }
}
