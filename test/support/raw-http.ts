import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * One HTTP request with exactly the headers given (fetch would not send a foreign Host, a bad
 * Content-Length or Transfer-Encoding as written). Rejects when no answer comes within `timeoutMs`.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const headers = { ...options.headers };
  // Node frames a GET or DELETE body with neither Content-Length nor chunked encoding unless told: the
  // server would read the body as the next request
  if (options.body !== undefined && !Object.keys(headers).some((name) => /^(content-length|transfer-encoding)$/i.test(name))) {
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`no answer to ${method} ${path} within ${options.timeoutMs ?? 10_000} ms`)));
    // a server that answers early (413) and closes can break the upload (EPIPE, ECONNRESET) just as its
    // answer arrives: the answer wins when it comes
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (error) => setTimeout(() => answered || reject(error), 200));
    req.end(options.body);
  });
}
