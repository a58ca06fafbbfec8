import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { AppConfig } from '../../platform/config/app-config';
import { writeJsonRpcError } from '../../platform/http/json-rpc-error';
import type { Principal } from '../../platform/auth/api-keys.service';
import { ForbiddenError } from '../../platform/auth/auth.errors';
import { NotFoundError } from '../../platform/errors/app-error';
import { ServersConfigService } from '../servers-config/servers-config.service';
import { ProfileFilter } from '../servers-config/profile';
import { AggregateServerFactory } from './aggregate-server.factory';
import { ReplayBudget } from './bounded-event-store';
import { HubStreamableTransport } from './hub-streamable-transport';
import { MessageProblem, bodyProblems, isValidRequestId } from './json-rpc-shape';
import { McpSession, McpSessions, SessionScope, describeScope } from './mcp-sessions.service';
import { PendingRequests } from './pending-requests';
import { ProxyServerFactory } from './proxy-server.factory';
import { serveToolCallsDirectly } from './direct-tool-calls';
import { SessionDirectory } from './session-directory';
import { SessionForwarder } from './session-forwarder';
import type { SessionServer } from './session-server';

type ScopedSessionServer = SessionServer & Pick<McpSession, 'seesServer'>;

/** A POST's body: parsed (undefined when not JSON, or for other methods), and as sent, for forwarding to another replica unchanged. */
export interface McpBody {
  parsed: unknown;
  raw?: string;
}

const sameScope = (a: SessionScope, b: SessionScope) => describeScope(a) === describeScope(b);

const HANDSHAKE = new Set(['initialize', 'notifications/initialized']);

/** Whether a request uses its session: anything but the messages of the initialize handshake. */
function usesSession(method: string | undefined, body: unknown): boolean {
  if (method !== 'POST') return true;
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((m) => !HANDSHAKE.has((m as { method?: unknown } | null)?.method as string));
}

const acceptsEventStream = (req: IncomingMessage) => (req.headers.accept ?? '').includes('text/event-stream');

/** Who opens a session, for MCP_MAX_SESSIONS_PER_CLIENT: the API key, else the peer's IP address. */
const clientOf = (req: IncomingMessage, principal?: Principal) => (principal?.keyId ? `key:${principal.keyId}` : `ip:${req.socket.remoteAddress ?? 'unknown'}`);

/**
 * What the MCP endpoints do once a request is admitted (McpIngress): Streamable HTTP sessions on
 * `/mcp`, `/mcp/servers/:name` and `/mcp/profiles/:profile`, and the legacy `/sse` + `/messages`.
 * A message the SDK would drop unanswered is refused here with its JSON-RPC error; a new session must
 * fit the session caps. Throws AppErrors (404 profile, 403 profile-bound key, 503 session cap) for
 * the ingress to answer.
 */
@Injectable()
export class McpEndpoints {
  private readonly replayBudget: ReplayBudget;

  constructor(
    private readonly config: AppConfig,
    private readonly sessions: McpSessions,
    private readonly aggregate: AggregateServerFactory,
    private readonly proxies: ProxyServerFactory,
    private readonly serversConfig: ServersConfigService,
    private readonly directory: SessionDirectory,
    private readonly forwarder: SessionForwarder,
  ) {
    this.replayBudget = new ReplayBudget(config.mcp.eventStoreMaxBytes, config.mcp.eventStoreTotalBytes);
  }

  async streamable(req: IncomingMessage, res: ServerResponse, { parsed: body, raw }: McpBody, requested: SessionScope, principal?: Principal): Promise<void> {
    const scope = this.effectiveScope(requested, principal);
    const keyId = principal?.keyId;
    if (body !== undefined && refusedAsInvalid(res, body)) return;
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string' && sessionId) {
      const session = this.sessions.get(sessionId, usesSession(req.method, body));
      if (!session && (await this.forwarder.forward(sessionId, req, res, raw))) return;
      if (!session || session.transportKind !== 'streamable-http' || !sameScope(session.scope, scope) || session.keyId !== keyId) {
        return writeJsonRpcError(res, 404, -32001, 'Session not found');
      }
      return (session.transport as HubStreamableTransport).handleRequest(req, res, body);
    }
    // mcp-hub serves the legacy HTTP+SSE transport on /mcp: its clients' configurations keep working
    if (req.method === 'GET' && acceptsEventStream(req)) return this.legacyStream(req, res, principal, scope);
    if (req.method !== 'POST' || !isInitializeRequest(body)) return refuseSessionless(res, body);

    this.sessions.assertRoom(clientOf(req, principal));
    const session = this.createSessionServer(scope, principal);
    const id = this.sessions.newId();
    const transport = new HubStreamableTransport(id, this.replayBudget, () => this.sessions.remove(id, 'the client ended the session'));
    await this.connect(id, scope, 'streamable-http', session, transport, clientOf(req, principal), keyId);
    await transport.handleRequest(req, res, body);
    // refused (wrong Accept or Content-Type): the client got no session id, so the slot is freed now
    if (!transport.isInitialized) {
      this.sessions.remove(id, 'its initialize was refused');
      await session.server.close();
    }
  }

  /** Legacy HTTP+SSE (protocol 2024-11-05): the stream's first event names the /messages URL to POST to. */
  async legacyStream(req: IncomingMessage, res: ServerResponse, principal?: Principal, scope = this.effectiveScope({ kind: 'aggregate' }, principal)): Promise<void> {
    this.sessions.assertRoom(clientOf(req, principal));
    const transport = new SSEServerTransport('/messages', res);
    await this.connect(transport.sessionId, scope, 'sse', this.createSessionServer(scope, principal), transport, clientOf(req, principal), principal?.keyId);
  }

  async legacyMessage(sessionId: string | null, req: IncomingMessage, res: ServerResponse, { parsed: body, raw }: McpBody, principal?: Principal): Promise<void> {
    const session = sessionId ? this.sessions.get(sessionId, usesSession(req.method, body)) : undefined;
    if (!session && sessionId && (await this.forwarder.forward(sessionId, req, res, raw))) return;
    if (!session || session.transportKind !== 'sse' || session.keyId !== principal?.keyId) return writeJsonRpcError(res, 404, -32001, 'Session not found');
    if (body !== undefined && refusedAsInvalid(res, body)) return;
    await (session.transport as SSEServerTransport).handlePostMessage(req, res, body);
  }

  /** A key bound to a profile sees that profile on /mcp and /sse, and nothing else. */
  private effectiveScope(requested: SessionScope, principal?: Principal): SessionScope {
    const bound = principal?.profile;
    if (!bound) return requested;
    if (requested.kind === 'aggregate' || (requested.kind === 'profile' && requested.profile === bound)) return { kind: 'profile', profile: bound };
    throw new ForbiddenError('PROFILE_BOUND_KEY', `This key is bound to profile "${bound}"; use /mcp or /mcp/profiles/${bound}`);
  }

  private createSessionServer(scope: SessionScope, principal: Principal | undefined): ScopedSessionServer {
    if (scope.kind === 'server') return { ...this.proxies.create(scope.server), seesServer: (server) => server === scope.server };
    if (scope.kind === 'aggregate') return { ...this.aggregate.create(undefined, principal), seesServer: () => true };
    const profile = this.serversConfig.profile(scope.profile);
    if (!profile) throw new NotFoundError('profile', scope.profile, 'PROFILE_NOT_FOUND');
    const filter = new ProfileFilter(profile);
    return { ...this.aggregate.create(filter, principal), seesServer: (server) => filter.allowsServer(server) };
  }

  /** Registers the session before connecting (so the session caps count it at once), then watches its requests. */
  private async connect(
    id: string,
    scope: SessionScope,
    transportKind: 'streamable-http' | 'sse',
    { server, callTool, seesServer }: ScopedSessionServer,
    transport: HubStreamableTransport | SSEServerTransport,
    client: string,
    keyId: string | undefined,
  ): Promise<void> {
    const now = Date.now();
    const requests = new PendingRequests(this.config.mcp.requestTimeoutMs);
    this.sessions.add({ id, scope, transportKind, server, transport, seesServer, keyId, client, requests, createdAt: now, lastActivity: now, recordedAt: now, used: false });
    // recorded before the client learns the id: its next request may land on another replica
    await this.directory.claim(id);
    server.onclose = () => this.sessions.remove(id, 'the transport closed');
    try {
      await server.connect(transport);
    } catch (error) {
      this.sessions.remove(id, `connecting failed: ${(error as Error).message}`);
      throw error;
    }
    serveToolCallsDirectly(transport, callTool);
    requests.watch(transport);
  }
}

/** Answers 400 with the JSON-RPC error of every message the SDK would drop unanswered (one object, or an array for a batch); false when there is none. */
function refusedAsInvalid(res: ServerResponse, body: unknown): boolean {
  const problems = bodyProblems(body);
  if (problems.length === 0) return false;
  writeProblems(res, problems, Array.isArray(body));
  return true;
}

/** A request without a session id that is not a valid initialize: its params are wrong, or it needs a session. */
function refuseSessionless(res: ServerResponse, body: unknown): void {
  const message = body as { method?: unknown; id?: unknown } | undefined;
  if (message?.method === 'initialize' && isValidRequestId(message.id)) {
    return writeProblems(res, [{ id: message.id, code: -32602, message: 'Invalid params: initialize needs protocolVersion (a string), capabilities (an object) and clientInfo (with name and version)' }], false);
  }
  writeJsonRpcError(res, 400, -32000, 'Bad Request: No valid session ID provided');
}

function writeProblems(res: ServerResponse, problems: MessageProblem[], batch: boolean): void {
  const errors = problems.map(({ id, code, message }) => ({ jsonrpc: '2.0', id, error: { code, message } }));
  const payload = JSON.stringify(batch ? errors : errors[0]);
  res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
}
