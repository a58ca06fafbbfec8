import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Serves the requests `routeOf` recognises with `serve`, before the REST app; any other request still
 * reaches the listeners the server had (Express, or an earlier route served this way). For hot paths
 * that skip Express routing and Nest's pipeline.
 */
export function serveBeforeRest<R>(server: Server, routeOf: (req: IncomingMessage) => R | undefined, serve: (route: R, req: IncomingMessage, res: ServerResponse) => Promise<void>): void {
  const rest = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const route = routeOf(req);
    if (route !== undefined) void serve(route, req, res);
    else for (const listener of rest) listener.call(server, req, res);
  });
}
