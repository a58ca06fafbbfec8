import { Agent, IncomingMessage, request } from 'node:http';
import { Readable } from 'node:stream';

const agent = new Agent({ keepAlive: true });

/**
 * A fetch for the SDK's HTTP client transports built on node:http with keep-alive: JSON answers are
 * buffered, event streams are passed through. It takes the client library's own cost (undici's
 * fetch) out of the measurement, so what remains is the server's. Only what the transports use.
 */
export async function leanFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers.entries()) : ((init.headers ?? {}) as Record<string, string>);
  const body = typeof init.body === 'string' ? init.body : undefined;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: init.method ?? 'GET', headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, resolve);
    req.on('error', reject);
    init.signal?.addEventListener('abort', () => req.destroy(new DOMException('aborted', 'AbortError')), { once: true });
    req.end(body);
  });
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
  const status = res.statusCode ?? 0;
  const noBody = status === 202 || status === 204;
  if (noBody || !String(res.headers['content-type'] ?? '').includes('text/event-stream')) {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return new Response(noBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders });
  }
  return new Response(Readable.toWeb(res) as ReadableStream, { status, headers: responseHeaders });
}
