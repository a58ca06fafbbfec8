import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Lets `take` answer requests before the REST app: it returns true for a request it serves; any other
 * request still reaches the listeners the server had (Express, or an earlier taker). For hot paths
 * that skip Express routing and Nest's pipeline.
 */
export function serveBeforeRest(server: Server, take: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const rest = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!take(req, res)) for (const listener of rest) listener.call(server, req, res);
  });
}
