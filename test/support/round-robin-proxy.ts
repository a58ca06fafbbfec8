import { Agent, IncomingMessage, Server, ServerResponse, createServer, request } from 'node:http';
import { freePort } from './free-port';

/**
 * A small reverse proxy in front of several hub replicas, as a load balancer with no session affinity
 * is: each request goes to the next live replica in turn, bodies and answers (SSE included) streamed.
 * With `pin`, requests that carry an Mcp-Session-Id go to the replica that answered that session's
 * initialize (what a balancer that pins by the header does). A replica whose port refuses is skipped.
 */
export class RoundRobinProxy {
  private server?: Server;
  private next = 0;
  private readonly pinned = new Map<string, string>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  /** Requests sent to each target. */
  readonly counts = new Map<string, number>();
  port = 0;

  constructor(
    private targets: string[],
    private readonly pin = false,
  ) {}

  static async start(targets: string[], pin = false): Promise<RoundRobinProxy> {
    const proxy = new RoundRobinProxy(targets, pin);
    proxy.port = await freePort();
    proxy.server = createServer((req, res) => proxy.serve(req, res));
    proxy.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => proxy.server!.listen(proxy.port, '127.0.0.1', resolve));
    return proxy;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  setTargets(targets: string[]): void {
    this.targets = targets;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.send(req, res, Buffer.concat(chunks), 0));
  }

  private send(req: IncomingMessage, res: ServerResponse, body: Buffer, tried: number): void {
    const session = req.headers['mcp-session-id'];
    const target = (this.pin && typeof session === 'string' && this.pinned.get(session)) || this.targets[this.next++ % this.targets.length];
    this.counts.set(target, (this.counts.get(target) ?? 0) + 1);
    const outgoing = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers, agent: this.agent }, (answer) => {
      const issued = answer.headers['mcp-session-id'];
      if (this.pin && typeof issued === 'string') this.pinned.set(issued, target);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
      res.once('close', () => !answer.complete && outgoing.destroy());
    });
    outgoing.once('error', (error: NodeJS.ErrnoException) => {
      // a replica that is gone: a balancer's health check takes it out; until then, the next one is tried
      if (error.code === 'ECONNREFUSED' && tried < this.targets.length && !res.headersSent) return this.send(req, res, body, tried + 1);
      if (!res.headersSent) res.writeHead(502).end(error.message);
      else res.destroy();
    });
    outgoing.end(body);
  }
}
