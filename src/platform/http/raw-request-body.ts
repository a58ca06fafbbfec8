import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';

/** How much of a refused body is read (and dropped) so that its sender reads the answer. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The body as UTF-8 text, at most `limit` bytes (raw-body's errors: 413 entity.too.large, 400
 * request.size.invalid ...). A refused body is read to its end and dropped before the error goes
 * out, as Express's body parser does: a socket closed on a sender still writing is reset, and the
 * reset throws away the answer the sender has not read yet. Past DRAIN_LIMIT_BYTES the connection is cut.
 */
export function readRequestText(req: IncomingMessage, limit: number): Promise<string> {
  // bytes, not text: Buffer's own UTF-8 decoding costs less than raw-body's iconv decoder, and reads the same
  return getRawBody(req, { limit, length: req.headers['content-length'] }).then(
    // a leading byte order mark is dropped, as the iconv decoder Express's body parser uses does
    (body) => body.toString('utf8').replace(/^\uFEFF/, ''),
    async (error: unknown) => {
      await drained(req);
      throw error;
    },
  );
}


function drained(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DRAIN_LIMIT_BYTES) req.destroy();
    });
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}
