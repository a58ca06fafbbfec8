import type { ChildProcess } from 'node:child_process';
import { StdioClientTransport, StdioServerParameters } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BoundedLineReader, OversizedMessage } from './bounded-line-reader';

/**
 * The SDK's stdio client transport with a BoundedLineReader in place of its ReadBuffer: the SDK
 * throws once 10 MB are buffered and then closes the transport, killing the server and failing
 * every pending call with "Connection closed". The reader answers only the oversized response.
 *
 * Messages sent in one turn of the event loop (many clients' calls under load) leave in one write:
 * the pipe is corked until the turn's I/O is handled, so the server reads them in one read too.
 */
export class BoundedStdioClientTransport extends StdioClientTransport {
  constructor(params: StdioServerParameters, maxMessageBytes: number, onOversized: (message: OversizedMessage) => void) {
    super(params);
    const self = this as unknown as { _readBuffer?: { append?: unknown; readMessage?: unknown; clear?: unknown } };
    // fail loudly if an SDK update renames the field rather than silently losing the bound
    if (typeof self._readBuffer?.append !== 'function' || typeof self._readBuffer.readMessage !== 'function' || typeof self._readBuffer.clear !== 'function') {
      throw new Error('@modelcontextprotocol/sdk StdioClientTransport has no _readBuffer to bound; check BoundedStdioClientTransport against this SDK version');
    }
    self._readBuffer = new BoundedLineReader(maxMessageBytes, onOversized);
  }

  override send(message: JSONRPCMessage): Promise<void> {
    const stdin = (this as unknown as { _process?: ChildProcess })._process?.stdin;
    if (stdin && !stdin.writableCorked) {
      stdin.cork();
      setImmediate(() => stdin.uncork());
    }
    return super.send(message);
  }
}
