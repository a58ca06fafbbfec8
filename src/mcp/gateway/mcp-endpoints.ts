import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { writeJsonRpcError } from '../../platform/http/json-rpc-error';
import type { Principal } from '../../platform/auth/api-keys.service';
import { ForbiddenError } from '../../platform/auth/auth.errors';
import { NotFoundError } from '../../platform/errors/app-error';
import { ServersConfigService } from '../servers-config/servers-config.service';
import { ProfileFilter } from '../servers-config/profile';
import { AggregateServerFactory } from './aggregate-server.factory';
import { BoundedEventStore } from './bounded-event-store';
import { HubStreamableTransport } from './hub-streamable-transport';
import { McpSessions, SessionScope, describeScope } from './mcp-sessions.service';
import { ProxyServerFactory } from './proxy-server.factory';
import { serveToolCallsDirectly } from './direct-tool-calls';
import type { SessionServer } from './session-server';

const sameScope = (a: SessionScope, b: SessionScope) => describeScope(a) === describeScope(b);

/**
 * What the MCP endpoints do once a request is admitted (McpIngress): Streamable HTTP sessions on
 * `/mcp`, `/mcp/servers/:name` and `/mcp/profiles/:profile`, and the legacy `/sse` + `/messages`.
 * Throws AppErrors (404 profile, 403 profile-bound key) for the ingress to answer.
 */
@Injectable()
export class McpEndpoints {
  constructor(
    private readonly sessions: McpSessions,
    private readonly aggregate: AggregateServerFactory,
    private readonly proxies: ProxyServerFactory,
    private readonly serversConfig: ServersConfigService,
  ) {}

  async streamable(req: IncomingMessage, res: ServerResponse, body: unknown, requested: SessionScope, principal?: Principal): Promise<void> {
    const scope = this.effectiveScope(requested, principal);
    const keyId = principal?.keyId;
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string' && sessionId) {
      const session = this.sessions.get(sessionId);
      if (!session || session.transportKind !== 'streamable-http' || !sameScope(session.scope, scope) || session.keyId !== keyId) {
        return writeJsonRpcError(res, 404, -32001, 'Session not found');
      }
      return (session.transport as HubStreamableTransport).handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) return writeJsonRpcError(res, 400, -32000, 'Bad Request: No valid session ID provided');

    const session = this.createSessionServer(scope, principal);
    const id = this.sessions.newId();
    const transport = new HubStreamableTransport(id, new BoundedEventStore(), () => this.sessions.remove(id, 'the client ended the session'));
    await this.connect(id, scope, 'streamable-http', session, transport, keyId);
    await transport.handleRequest(req, res, body);
  }

  /** Legacy HTTP+SSE (protocol 2024-11-05): the stream's first event names the /messages URL to POST to. */
  async legacyStream(res: ServerResponse, principal?: Principal): Promise<void> {
    const scope = this.effectiveScope({ kind: 'aggregate' }, principal);
    const transport = new SSEServerTransport('/messages', res);
    await this.connect(transport.sessionId, scope, 'sse', this.createSessionServer(scope, principal), transport, principal?.keyId);
  }

  async legacyMessage(sessionId: string | null, req: IncomingMessage, res: ServerResponse, body: unknown, principal?: Principal): Promise<void> {
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!session || session.transportKind !== 'sse' || session.keyId !== principal?.keyId) return writeJsonRpcError(res, 404, -32001, 'Session not found');
    await (session.transport as SSEServerTransport).handlePostMessage(req, res, body);
  }

  /** A key bound to a profile sees that profile on /mcp and /sse, and nothing else. */
  private effectiveScope(requested: SessionScope, principal?: Principal): SessionScope {
    const bound = principal?.profile;
    if (!bound) return requested;
    if (requested.kind === 'aggregate' || (requested.kind === 'profile' && requested.profile === bound)) return { kind: 'profile', profile: bound };
    throw new ForbiddenError('PROFILE_BOUND_KEY', `This key is bound to profile "${bound}"; use /mcp or /mcp/profiles/${bound}`);
  }

  private createSessionServer(scope: SessionScope, principal: Principal | undefined): SessionServer {
    if (scope.kind === 'server') return this.proxies.create(scope.server);
    if (scope.kind === 'aggregate') return this.aggregate.create(undefined, principal);
    const profile = this.serversConfig.profile(scope.profile);
    if (!profile) throw new NotFoundError('profile', scope.profile, 'PROFILE_NOT_FOUND');
    return this.aggregate.create(new ProfileFilter(profile), principal);
  }

  private async connect(
    id: string,
    scope: SessionScope,
    transportKind: 'streamable-http' | 'sse',
    { server, callTool }: SessionServer,
    transport: HubStreamableTransport | SSEServerTransport,
    keyId: string | undefined,
  ): Promise<void> {
    const now = Date.now();
    this.sessions.add({ id, scope, transportKind, server, transport, keyId, createdAt: now, lastActivity: now });
    server.onclose = () => this.sessions.remove(id, 'the transport closed');
    await server.connect(transport);
    serveToolCallsDirectly(transport, callTool);
  }
}
