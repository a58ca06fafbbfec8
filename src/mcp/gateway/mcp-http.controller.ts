import { All, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { AggregateServerFactory } from './aggregate-server.factory';
import { writeJsonRpcError } from '../../platform/http/json-rpc-error';
import { ProfileAware, RequireScope } from '../../platform/auth/auth.decorators';
import type { AuthenticatedRequest } from '../../platform/auth/api-key.guard';
import { ForbiddenError } from '../../platform/auth/auth.errors';
import { BoundedEventStore } from './bounded-event-store';
import { HubStreamableTransport } from './hub-streamable-transport';
import { McpSessions, SessionScope, describeScope } from './mcp-sessions.service';
import { ServersConfigService } from '../servers-config/servers-config.service';
import { ProfileFilter } from '../servers-config/profile';
import { NotFoundError } from '../../platform/errors/app-error';
import { ProxyServerFactory } from './proxy-server.factory';

const MCP_DESCRIPTION =
  'MCP Streamable HTTP (protocol 2025-11-25 and earlier): POST JSON-RPC messages, GET opens the server-to-client SSE stream ' +
  '(resumable with Last-Event-ID), DELETE ends the session. Initialize without Mcp-Session-Id; send the returned Mcp-Session-Id afterwards. ' +
  'Use an MCP client, e.g. `npx @modelcontextprotocol/inspector` with URL http://127.0.0.1:3456/mcp.';

const sameScope = (a: SessionScope, b: SessionScope) => describeScope(a) === describeScope(b);

/** The hub's MCP endpoints: `/mcp` (every upstream), `/mcp/servers/:name` (one upstream), and legacy `/sse` + `/messages`. */
@ApiTags('mcp')
@RequireScope('mcp')
@ProfileAware()
@Controller()
export class McpHttpController {
  constructor(
    private readonly sessions: McpSessions,
    private readonly aggregate: AggregateServerFactory,
    private readonly proxies: ProxyServerFactory,
    private readonly serversConfig: ServersConfigService,
  ) {}

  @All('mcp')
  @ApiOperation({ summary: 'MCP endpoint for every upstream server (tools as <server>__<tool>, plus hub__ meta-tools)', description: MCP_DESCRIPTION })
  @ApiOkResponse({ description: 'A JSON-RPC response, or a text/event-stream of JSON-RPC messages' })
  aggregateEndpoint(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    return this.streamable(req, res, { kind: 'aggregate' });
  }

  @All('mcp/servers/:name')
  @ApiOperation({ summary: 'MCP endpoint for one upstream server, unprefixed: a transparent proxy', description: MCP_DESCRIPTION })
  @ApiOkResponse({ description: 'A JSON-RPC response, or a text/event-stream of JSON-RPC messages' })
  serverEndpoint(@Param('name') name: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    return this.streamable(req, res, { kind: 'server', server: name });
  }

  @All('mcp/profiles/:profile')
  @ApiOperation({ summary: 'MCP endpoint for a profile: its servers, and of their tools those its include/exclude globs allow', description: MCP_DESCRIPTION })
  @ApiOkResponse({ description: 'A JSON-RPC response, or a text/event-stream of JSON-RPC messages' })
  profileEndpoint(@Param('profile') profile: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    return this.streamable(req, res, { kind: 'profile', profile });
  }

  @Get('sse')
  @ApiOperation({ summary: 'Legacy HTTP+SSE transport (protocol 2024-11-05): opens the event stream; its first event names the /messages URL to POST to' })
  @ApiOkResponse({ description: 'text/event-stream' })
  async legacyStream(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const scope = this.effectiveScope(req, { kind: 'aggregate' });
    const server = this.createServer(scope);
    const transport = new SSEServerTransport('/messages', res);
    this.track(transport.sessionId, scope, 'sse', server, transport, req.principal?.keyId);
    await server.connect(transport);
  }

  @Post('messages')
  @ApiExcludeEndpoint()
  async legacyMessage(@Query('sessionId') sessionId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!session || session.transportKind !== 'sse' || session.keyId !== (req as AuthenticatedRequest).principal?.keyId) return writeJsonRpcError(res, 404, -32001, 'Session not found');
    await (session.transport as SSEServerTransport).handlePostMessage(req, res, req.body);
  }

  private async streamable(req: AuthenticatedRequest, res: Response, requested: SessionScope): Promise<void> {
    const scope = this.effectiveScope(req, requested);
    const keyId = req.principal?.keyId;
    const sessionId = req.header('mcp-session-id');
    if (sessionId) {
      const session = this.sessions.get(sessionId);
      if (!session || session.transportKind !== 'streamable-http' || !sameScope(session.scope, scope) || session.keyId !== keyId) {
        return writeJsonRpcError(res, 404, -32001, 'Session not found');
      }
      return (session.transport as HubStreamableTransport).handleRequest(req, res, req.body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) return writeJsonRpcError(res, 400, -32000, 'Bad Request: No valid session ID provided');

    const server = this.createServer(scope);
    const id = this.sessions.newId();
    const transport = new HubStreamableTransport(id, new BoundedEventStore(), () => this.sessions.remove(id, 'the client ended the session'));
    this.track(id, scope, 'streamable-http', server, transport, keyId);
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  /** A key bound to a profile sees that profile on /mcp and /sse, and nothing else. */
  private effectiveScope(req: AuthenticatedRequest, requested: SessionScope): SessionScope {
    const bound = req.principal?.profile;
    if (!bound) return requested;
    if (requested.kind === 'aggregate' || (requested.kind === 'profile' && requested.profile === bound)) return { kind: 'profile', profile: bound };
    throw new ForbiddenError('PROFILE_BOUND_KEY', `This key is bound to profile "${bound}"; use /mcp or /mcp/profiles/${bound}`);
  }

  private createServer(scope: SessionScope): Server {
    if (scope.kind === 'server') return this.proxies.create(scope.server);
    if (scope.kind === 'aggregate') return this.aggregate.create();
    const profile = this.serversConfig.profile(scope.profile);
    if (!profile) throw new NotFoundError('profile', scope.profile, 'PROFILE_NOT_FOUND');
    return this.aggregate.create(new ProfileFilter(profile));
  }

  private track(
    id: string,
    scope: SessionScope,
    transportKind: 'streamable-http' | 'sse',
    server: Server,
    transport: HubStreamableTransport | SSEServerTransport,
    keyId: string | undefined,
  ): void {
    const now = Date.now();
    this.sessions.add({ id, scope, transportKind, server, transport, keyId, createdAt: now, lastActivity: now });
    server.onclose = () => this.sessions.remove(id, 'the transport closed');
  }
}
