import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppConfig } from '../../platform/config/app-config';
import { ApiKeyAuthorizer } from '../../platform/auth/api-key-authorizer';
import type { Principal } from '../../platform/auth/api-keys.service';
import { originPolicyProblem } from '../../platform/auth/origin-policy';
import { writeJsonRpcError } from '../../platform/http/json-rpc-error';
import { HttpDrain } from '../../platform/shutdown/http-drain';
import { SessionLimitError } from './gateway.errors';
import { McpBody, McpEndpoints } from './mcp-endpoints';
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from '../../platform/http/json-depth';
import { isJsonContentType } from '../../platform/http/content-type';
import { McpRoute, mcpRoute } from './mcp-routes';
import { readRequestText } from '../../platform/http/raw-request-body';
import { BODY_LIMIT } from '../../platform/http/configure-http-app';
import { serveBeforeRest } from '../../platform/http/serve-before-rest';
import { answerFailure } from '../../platform/http/answer-failure';

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
    serveBeforeRest(server, (req) => mcpRoute(req.method, req.url), (route, req, res) => this.serve(route, req, res));
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
      const raw = req.method === 'POST' ? await readRequestText(req, BODY_LIMIT) : undefined;
      const body = raw === undefined ? undefined : parseBody(req, raw);
      if (body === INVALID_JSON) return writeJsonRpcError(res, 400, -32700, 'Parse error: Invalid JSON');
      if (body === TOO_DEEP) return writeJsonRpcError(res, 400, -32600, `Invalid Request: the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
      await this.dispatch(route, req, res, { parsed: body, raw }, principal);
    } catch (error) {
      this.fail(req, res, error);
    }
  }

  private dispatch(route: McpRoute, req: IncomingMessage, res: ServerResponse, body: McpBody, principal?: Principal): Promise<void> {
    switch (route.kind) {
      case 'streamable':
        return this.endpoints.streamable(req, res, body, route.scope, principal);
      case 'legacy-stream':
        return this.endpoints.legacyStream(req, res, principal);
      case 'legacy-message':
        return this.endpoints.legacyMessage(route.sessionId, req, res, body, principal);
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    // refusals at the session cap come in floods; McpSessions logs them summed up
    answerFailure(this.logger, req, res, error, !(error instanceof SessionLimitError));
  }
}

/**
 * The parsed JSON body; undefined when it is not JSON (the transport answers 415), INVALID_JSON when
 * it does not parse, TOO_DEEP before a parse whose result validation would walk past the stack.
 */
function parseBody(req: IncomingMessage, raw: string): unknown {
  if (!isJsonContentType(req.headers['content-type'])) return undefined;
  if (jsonNestsDeeperThan(raw)) return TOO_DEEP;
  try {
    return JSON.parse(raw);
  } catch {
    return INVALID_JSON;
  }
}
