import { createServer, request, Server } from 'node:http';
import { freePort } from './free-port';

/**
 * An HTTP proxy in front of a Streamable HTTP MCP server that counts the JSON-RPC methods passing
 * through, so a test can prove what did (or did not) reach the upstream.
 */
export class CountingProxy {
  readonly methods: string[] = [];
  private server?: Server;
  private held: (() => void)[] = [];
  private paused = false;
  private readonly delays = new Map<string, number>();
  port = 0;

  constructor(private readonly target: URL) {}

  /** A started proxy in front of `upstream` (a server's MCP URL). */
  static async inFrontOf(upstream: string): Promise<CountingProxy> {
    const proxy = new CountingProxy(new URL(upstream));
    await proxy.start();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.target.pathname}`;
  }

  /** Holds every request from now on (the upstream seems to hang) until resume(). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.held.splice(0).forEach((release) => release());
  }

  /** Holds each request carrying `method` for `ms` before forwarding it (an upstream slow to answer it). */
  delay(method: string, ms: number): void {
    this.delays.set(method, ms);
  }

  count(method: string): number {
    return this.methods.filter((m) => m === method).length;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const delay = this.delayOf(Buffer.concat(chunks));
        if (this.paused) this.held.push(forward);
        else if (delay > 0) setTimeout(forward, delay);
        else forward();
      });
      const forward = () => {
        const body = Buffer.concat(chunks);
        try {
          const parsed = JSON.parse(body.toString('utf8')) as { method?: string } | { method?: string }[];
          for (const message of Array.isArray(parsed) ? parsed : [parsed]) if (message.method) this.methods.push(message.method);
        } catch {
          // GET and DELETE have no JSON body
        }
        const upstream = request(
          { host: this.target.hostname, port: this.target.port, path: req.url, method: req.method, headers: { ...req.headers, host: this.target.host } },
          (upstreamRes) => {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            upstreamRes.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        res.on('close', () => upstream.destroy());
        upstream.end(body);
      };
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  private delayOf(body: Buffer): number {
    if (this.delays.size === 0) return 0;
    const text = body.toString('utf8');
    return Math.max(0, ...[...this.delays].filter(([method]) => text.includes(`"method":"${method}"`)).map(([, ms]) => ms));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve) ?? resolve(undefined));
  }
}
