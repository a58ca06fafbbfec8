import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import { AppConfig } from '../../platform/config/app-config';
import { ApiKeyAuthorizer } from '../../platform/auth/api-key-authorizer';
import type { Principal } from '../../platform/auth/api-keys.service';
import { originPolicyProblem } from '../../platform/auth/origin-policy';
import { AppError } from '../../platform/errors/app-error';
import { toErrorResponse, writeErrorResponse } from '../../platform/errors/app-exception.filter';
import { writeJsonRpcError } from '../../platform/http/json-rpc-error';
import { requestIdOf } from '../../platform/logging/logging.module';
import { HttpDrain } from '../../platform/shutdown/http-drain';
import { SessionLimitError } from './gateway.errors';
import { McpEndpoints } from './mcp-endpoints';
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from '../../platform/http/json-depth';
import { isJsonContentType } from '../../platform/http/content-type';
import { McpRoute, mcpRoute } from './mcp-routes';

const BODY_LIMIT = '10mb';
const INVALID_JSON = Symbol('invalid JSON');
const TOO_DEEP = Symbol('JSON nested too deep');

/**
 * The front door of the MCP endpoints, in front of the REST app on the same HTTP server: drain gate,
 * DNS-rebinding protection (Origin/Host), API key with the `mcp` scope and its rate limit, JSON body,
 * then McpEndpoints. MCP traffic skips Express routing, the request logger and Nest's pipeline — the
 * hub's hot path — and is recorded as `mcp.request` events instead; refusals are logged here.
 */
@Injectable()
export class McpIngress {
  private readonly logger = new Logger('McpIngress');

  constructor(
    private readonly config: AppConfig,
    private readonly drain: HttpDrain,
    private readonly authorizer: ApiKeyAuthorizer,
    private readonly endpoints: McpEndpoints,
  ) {}

  /** Routes MCP requests of this server here; everything else still reaches the listeners it had. */
  attach(server: Server): void {
    const rest = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const route = mcpRoute(req.method, req.url);
      if (route) void this.serve(route, req, res);
      else for (const listener of rest) listener.call(server, req, res);
    });
  }

  private async serve(route: McpRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!this.drain.admit(req, res)) return;
      const problem = originPolicyProblem(this.config, req.headers.origin, req.headers.host);
      if (problem) {
        this.logger.warn(`${req.method} ${req.url} refused: ${problem}`);
        return writeJsonRpcError(res, 403, -32000, `Forbidden: ${problem}`);
      }
      const principal = this.authorizer.enabled ? await this.authorizer.authorize(req.headers, { scope: 'mcp', profileAware: true }, req.socket.remoteAddress) : undefined;
      const body = req.method === 'POST' ? await this.readBody(req) : undefined;
      if (body === INVALID_JSON) return writeJsonRpcError(res, 400, -32700, 'Parse error: Invalid JSON');
      if (body === TOO_DEEP) return writeJsonRpcError(res, 400, -32600, `Invalid Request: the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
      await this.dispatch(route, req, res, body, principal);
    } catch (error) {
      this.fail(req, res, error);
    }
  }

  private dispatch(route: McpRoute, req: IncomingMessage, res: ServerResponse, body: unknown, principal?: Principal): Promise<void> {
    switch (route.kind) {
      case 'streamable':
        return this.endpoints.streamable(req, res, body, route.scope, principal);
      case 'legacy-stream':
        return this.endpoints.legacyStream(req, res, principal);
      case 'legacy-message':
        return this.endpoints.legacyMessage(route.sessionId, req, res, body, principal);
    }
  }

  /**
   * The parsed JSON body; undefined when it is not JSON (the transport answers 415), INVALID_JSON when
   * it does not parse, TOO_DEEP before a parse whose result validation would walk past the stack.
   */
  private async readBody(req: IncomingMessage): Promise<unknown> {
    const raw = await getRawBody(req, { limit: BODY_LIMIT, length: req.headers['content-length'], encoding: 'utf8' }).catch(async (error: unknown) => {
      await drained(req);
      throw error;
    });
    if (!isJsonContentType(req.headers['content-type'])) return undefined;
    if (jsonNestsDeeperThan(raw)) return TOO_DEEP;
    try {
      return JSON.parse(raw);
    } catch {
      return INVALID_JSON;
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      this.logger.error(`${req.method} ${req.url} failed after the response began: ${(error as Error).message}`);
      res.destroy();
      return;
    }
    const body = toErrorResponse(error, requestIdOf(req, res));
    // refusals at the session cap come in floods; McpSessions logs them summed up
    if (body.statusCode >= 500 && !(error instanceof AppError)) this.logger.error({ err: error, requestId: body.requestId }, `${req.method} ${req.url} failed`);
    else if (!(error instanceof SessionLimitError)) this.logger.warn(`${req.method} ${req.url} refused (${body.statusCode} ${body.code}): ${body.message}`);
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (error instanceof AppError && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    writeErrorResponse(res, body);
  }
}

/** How much of a refused body is read (and dropped) so that its sender reads the answer. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * A refused body (413) is read to its end and dropped before the answer goes out, as Express's body
 * parser does: a socket closed on a sender still writing is reset, and the reset throws away the answer
 * the sender has not read yet. Past DRAIN_LIMIT_BYTES the connection is cut.
 */
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
