import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';

/** Where the build puts the web console (vite's outDir): dist/web beside dist/src. */
export const CONSOLE_DIR = join(__dirname, '..', '..', 'web');

/** Paths that belong to the API, MCP and tooling (any case, as Express routes them); every other GET is the console's (client routes included). */
const NOT_CONSOLE = /^\/(api|api-docs|mcp|sse|messages|metrics|\.well-known|oauth)(\/|$|-)/i;

/**
 * The console's own pages allow nothing from elsewhere: scripts and styles only from the hub, no
 * frames, and calls only to the hub (same origin; no CORS is opened for it).
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

const withHeaders = (res: Response) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
};

/**
 * Serves the web console: its hashed assets (cached for good) and, for any other GET outside the API,
 * its index.html, so client routes survive a reload. Mounted after the Host/Origin check like every
 * route. Without a build it answers the console's paths with what to run.
 */
export function consoleStatic(dir = CONSOLE_DIR): RequestHandler {
  const index = join(dir, 'index.html');
  const assets = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      withHeaders(res as Response);
      res.setHeader('Cache-Control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // looked for until found: a build made after start-up is served without a restart
  let built = false;
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path)) return next();
    assets(req, res, () => {
      // a missing asset is a 404, not the page
      if (req.path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(req.path)) return next();
      built ||= existsSync(index);
      if (!built) {
        res.status(404).json({ statusCode: 404, code: 'CONSOLE_NOT_BUILT', message: 'The web console is not built; run npm run build (npm start does it)' });
        return;
      }
      withHeaders(res);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  };
}
