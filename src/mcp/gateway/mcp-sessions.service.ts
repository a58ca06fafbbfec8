import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ClientCapabilities, ErrorCode, McpError, Notification, RequestId, ResultSchema, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { HubToolRegistry } from '../hub-tools/hub-tool-registry';
import { SessionLimitError } from './gateway.errors';
import type { PendingRequests } from './pending-requests';
import type { DownstreamSessions, NotificationRoute } from '../upstream/downstream-sessions';
import type { DownstreamClient } from '../upstream/session-clients';
import { ResourceSubscriptions } from './resource-subscriptions';
import { SessionLogLevels } from './session-log-levels';
import { TaskOwners } from './task-owners';
import { UpstreamMcpError } from './mcp-errors';
import { wireMessage } from '../upstream/upstream-request';
import { SessionDirectory } from './session-directory';

/** What a session is connected to: the aggregate `/mcp`, or one upstream through `/mcp/servers/:name`. */
export type SessionScope = { kind: 'aggregate' } | { kind: 'server'; server: string } | { kind: 'profile'; profile: string };

export interface McpSession {
  id: string;
  scope: SessionScope;
  transportKind: 'streamable-http' | 'sse';
  server: Server;
  transport: Transport;
  /** Whether it may hear from this upstream: its own server on a proxy session, the profile's servers, or every server. */
  seesServer: (server: string) => boolean;
  /** The API key that opened it; only that key may use it. */
  keyId?: string;
  /** Who opened it, for MCP_MAX_SESSIONS_PER_CLIENT: `key:<id>` with API keys, else `ip:<address>`. */
  client: string;
  /** Its requests that are not answered yet. */
  requests: PendingRequests;
  createdAt: number;
  lastActivity: number;
  /** When its owner record (SessionDirectory) was last refreshed. */
  recordedAt: number;
  /** False until the client sends more than the initialize handshake; unused sessions expire after MCP_SESSION_UNUSED_MS. */
  used: boolean;
}

type ListKind = 'tools' | 'resources' | 'prompts';

/** Time shutdown keeps for closing connections after the MCP requests in flight were answered. */
const CLOSE_MARGIN_MS = 1000;

/**
 * Every open MCP client session, within MCP_MAX_SESSIONS and MCP_MAX_SESSIONS_PER_CLIENT: idle ones
 * expire (unused ones sooner), catalog changes and changes to the hub's own tools become list_changed
 * notifications on aggregate and profile sessions; upstream requests and notifications reach the
 * sessions they belong to (`ask`, `deliver`). In the `ingress` phase of shutdown, the requests in flight are answered first
 * (up to the drain timeout), then every session closes.
 */
@Injectable()
export class McpSessions implements OnModuleInit, DownstreamSessions {
  private readonly logger = new Logger('McpSessions');
  private readonly sessions = new Map<string, McpSession>();
  private readonly perClient = new Map<string, number>();
  private readonly sweepMs: number;
  /** New sessions refused at a cap since the last sweep. */
  private refused = 0;
  private sweeper?: NodeJS.Timeout;
  private pendingListChanged?: NodeJS.Timeout;
  /** What the pending list_changed covers: the hub's own tools change alone, a catalog change touches all three lists. */
  private pendingLists = new Set<ListKind>();

  constructor(
    private readonly config: AppConfig,
    private readonly events: EventBus,
    private readonly upstreams: UpstreamManager,
    private readonly hubTools: HubToolRegistry,
    private readonly subscriptions: ResourceSubscriptions,
    private readonly levels: SessionLogLevels,
    private readonly tasks: TaskOwners,
    private readonly directory: SessionDirectory,
    coordinator: ShutdownCoordinator,
  ) {
    this.sweepMs = Math.min(config.mcp.sessionIdleMs, config.mcp.sessionUnusedMs, 60_000);
    coordinator.register({ phase: 'ingress', name: 'mcp-sessions', close: () => this.closeAll('the hub is shutting down') });
  }

  onModuleInit(): void {
    // another replica's catalog change too: its upstream may have changed before this replica's saw it
    this.events.subscribe(() => this.scheduleListChanged(['tools', 'resources', 'prompts']), ['mcp.catalog.changed'], { remote: true });
    this.hubTools.onChange(() => this.scheduleListChanged(['tools']));
    this.upstreams.onNotification((server, notification, route) => this.deliver(server, notification, route));
    this.upstreams.useDownstream(this);
    this.sweeper = setInterval(() => this.expire(), this.sweepMs);
    this.sweeper.unref();
  }

  newId(): string {
    return randomUUID();
  }

  /** Throws SessionLimitError (503) when the hub or this client holds as many sessions as it may. */
  assertRoom(client: string): void {
    const { maxSessions, maxSessionsPerClient } = this.config.mcp;
    const retryAfter = Math.ceil(this.sweepMs / 1000);
    let refusal: SessionLimitError | undefined;
    if (this.sessions.size >= maxSessions) refusal = new SessionLimitError('hub', maxSessions, retryAfter);
    else if ((this.perClient.get(client) ?? 0) >= maxSessionsPerClient) refusal = new SessionLimitError('client', maxSessionsPerClient, retryAfter);
    if (!refusal) return;
    if (this.refused++ === 0) this.logger.warn(`New MCP session refused (${client}): ${refusal.message}`);
    throw refusal;
  }

  add(session: McpSession): void {
    this.sessions.set(session.id, session);
    this.perClient.set(session.client, (this.perClient.get(session.client) ?? 0) + 1);
    this.events.publish('mcp.session', { session: session.id, change: 'opened', transport: session.transportKind, scope: describeScope(session.scope) }, session.id);
  }

  /** The session, marked active (and used, unless the request is part of the initialize handshake). */
  get(id: string, use = true): McpSession | undefined {
    const session = this.sessions.get(id);
    if (session) {
      session.lastActivity = Date.now();
      if (use) session.used = true;
      if (session.lastActivity - session.recordedAt > this.directory.refreshEveryMs) {
        session.recordedAt = session.lastActivity;
        this.directory.touch(id);
      }
    }
    return session;
  }

  /** Forget a session whose transport closed (the client sent DELETE, disconnected, or it expired). */
  remove(id: string, reason: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.directory.release(id);
    const left = (this.perClient.get(session.client) ?? 1) - 1;
    if (left > 0) this.perClient.set(session.client, left);
    else this.perClient.delete(session.client);
    this.events.publish('mcp.session', { session: id, change: 'closed', reason, transport: session.transportKind, durationMs: Date.now() - session.createdAt }, id);
    this.levels.forget(id);
    this.tasks.forget(id);
    void this.subscriptions.forget(id);
    void this.upstreams.closeSession(id);
  }

  clientOf(sessionId: string): DownstreamClient | undefined {
    const server = this.sessions.get(sessionId)?.server;
    const info = server?.getClientVersion();
    return server && info ? { info, capabilities: server.getClientCapabilities() ?? {} } : undefined;
  }

  /** An upstream asks this session's client; the SDK server refuses, naming the capability, when the client lacks it. */
  async ask(sessionId: string, relatedRequestId: RequestId | undefined, request: ServerRequest, signal: AbortSignal): Promise<Record<string, unknown>> {
    const session = this.sessions.get(sessionId);
    if (!session) throw new McpError(ErrorCode.InvalidRequest, `The client session that ${request.method} was meant for has ended`);
    // a client that does not declare the capability is not asked: it would answer as here
    if (!clientCan(session.server.getClientCapabilities() ?? {}, request)) throw new UpstreamMcpError(ErrorCode.MethodNotFound, 'Method not found');
    try {
      return await session.server.request(request as never, ResultSchema, { relatedRequestId, signal, timeout: this.config.mcp.requestTimeoutMs });
    } catch (error) {
      // the client's own error goes back to the upstream as the client sent it
      throw error instanceof McpError ? new UpstreamMcpError(error.code, wireMessage(error), error.data) : error;
    }
  }

  /**
   * An upstream's notification, to the sessions it belongs to: resource updates to the sessions that
   * subscribed; log messages to the session waiting on that upstream when one can be told (on its
   * request's stream), else to every session that sees the server, each above its own level; task
   * status to the task's session; the rest (list changes, ...) to proxy sessions of that server.
   * Nothing goes to a session that does not see the server.
   */
  deliver(server: string, notification: Notification, route: NotificationRoute): void {
    const params = (notification.params ?? {}) as Record<string, unknown>;
    const send = (session: McpSession, message: Notification) =>
      void session.server.notification(message as never, session.id === route.sessionId && route.requestId !== undefined ? { relatedRequestId: route.requestId } : undefined).catch(() => undefined);
    const targets = (sessions: Iterable<McpSession>) => [...sessions].filter((session) => session.seesServer(server) && (!route.own || session.id === route.sessionId));

    if (notification.method === 'notifications/resources/updated') {
      for (const [sessionId, knownAs] of this.subscriptions.subscribersOf(server, String(params.uri))) {
        const session = this.sessions.get(sessionId);
        if (session && targets([session]).length > 0) send(session, { ...notification, params: { ...params, uri: knownAs } });
      }
      return;
    }
    if (notification.method === 'notifications/message') {
      const owner = route.sessionId !== undefined ? this.sessions.get(route.sessionId) : undefined;
      for (const session of targets(owner ? [owner] : this.sessions.values())) {
        if (!this.levels.allows(session.id, params.level)) continue;
        const logger = typeof params.logger === 'string' ? `${server}/${params.logger}` : server;
        send(session, session.scope.kind === 'server' ? notification : { ...notification, params: { ...params, logger } });
      }
      return;
    }
    const proxies = targets(this.sessions.values()).filter((session) => session.scope.kind === 'server');
    if (notification.method === 'notifications/tasks/status') {
      const owner = route.own ? route.sessionId : this.tasks.ownerOf(server, params.taskId);
      for (const session of proxies) if (session.id === owner) send(session, notification);
      return;
    }
    for (const session of proxies) send(session, notification);
  }

  /** Closes the sessions opened with one of these API keys (they were deleted); returns how many. */
  closeForKeys(keyIds: ReadonlySet<string>, reason: string): number {
    const doomed = [...this.sessions.values()].filter((session) => session.keyId !== undefined && keyIds.has(session.keyId));
    for (const session of doomed) void this.close(session, reason);
    return doomed.length;
  }

  /** The API keys open sessions belong to. */
  sessionKeyIds(): Set<string> {
    return new Set([...this.sessions.values()].flatMap((session) => (session.keyId ? [session.keyId] : [])));
  }

  /** Shutdown: lets the requests in flight get their answers (new requests are refused by HttpDrain meanwhile), then closes every session. */
  async closeAll(reason: string): Promise<void> {
    clearInterval(this.sweeper);
    clearTimeout(this.pendingListChanged);
    await this.settle(Math.max(0, this.config.shutdown.drainTimeoutMs - CLOSE_MARGIN_MS));
    await Promise.all([...this.sessions.values()].map((session) => this.close(session, reason)));
  }

  private async settle(graceMs: number): Promise<void> {
    const waiting = () => [...this.sessions.values()].reduce((count, session) => count + session.requests.size, 0);
    const inFlight = waiting();
    if (inFlight === 0) return;
    this.logger.log(`Waiting up to ${graceMs} ms for ${inFlight} MCP request(s) in flight to be answered`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.sessions.values()].map((session) => session.requests.settled())),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    const left = waiting();
    if (left > 0) this.logger.warn(`${left} MCP request(s) still unanswered after ${graceMs} ms; they are answered with an error`);
    else this.logger.log('Every MCP request in flight was answered');
  }

  private async close(session: McpSession, reason: string): Promise<void> {
    this.remove(session.id, reason);
    session.requests.answerAll(ErrorCode.ConnectionClosed, `Connection closed: ${reason}`);
    await session.server.close().catch((error: Error) => this.logger.warn(`Closing session ${session.id} failed: ${error.message}`));
  }

  /** Closes sessions idle for MCP_SESSION_IDLE_MS, and those never used after initialize for MCP_SESSION_UNUSED_MS; none waiting for an answer. */
  private expire(): void {
    const now = Date.now();
    const { sessionIdleMs, sessionUnusedMs } = this.config.mcp;
    let idle = 0;
    let unused = 0;
    for (const session of this.sessions.values()) {
      if (session.requests.size > 0) continue;
      if (!session.used && session.createdAt < now - sessionUnusedMs) {
        unused++;
        void this.close(session, `unused for more than ${sessionUnusedMs} ms after initialize`);
      } else if (session.lastActivity < now - sessionIdleMs) {
        idle++;
        void this.close(session, `idle for more than ${sessionIdleMs} ms`);
      }
    }
    if (idle + unused > 0) this.logger.log(`Closed ${idle} idle MCP session(s) and ${unused} never used after initialize; ${this.sessions.size} open`);
    if (this.refused > 1) this.logger.warn(`Refused ${this.refused} new MCP session(s) at the session caps in the last ${this.sweepMs} ms; ${this.sessions.size} open`);
    this.refused = 0;
  }

  private scheduleListChanged(kinds: ListKind[]): void {
    for (const kind of kinds) this.pendingLists.add(kind);
    clearTimeout(this.pendingListChanged);
    this.pendingListChanged = setTimeout(() => {
      const lists = this.pendingLists;
      this.pendingLists = new Set();
      for (const session of this.sessions.values()) {
        if (session.scope.kind === 'server') continue;
        const { server } = session;
        const sends = [...lists].map((kind) => (kind === 'tools' ? server.sendToolListChanged() : kind === 'resources' ? server.sendResourceListChanged() : server.sendPromptListChanged()));
        void Promise.all(sends).catch(() => undefined);
      }
    }, 50);
  }
}

/** Whether a client's capabilities cover an upstream's request (an empty elicitation capability means form only). */
function clientCan(capabilities: ClientCapabilities, request: ServerRequest): boolean {
  switch (request.method) {
    case 'sampling/createMessage':
      return capabilities.sampling !== undefined;
    case 'roots/list':
      return capabilities.roots !== undefined;
    case 'elicitation/create': {
      const elicitation = capabilities.elicitation;
      if (!elicitation) return false;
      const mode = (request.params as { mode?: string }).mode ?? 'form';
      return mode === 'url' ? elicitation.url !== undefined : elicitation.form !== undefined || Object.keys(elicitation).length === 0;
    }
    default:
      return true;
  }
}

export function describeScope(scope: SessionScope): string {
  return scope.kind === 'aggregate' ? 'aggregate' : scope.kind === 'server' ? `server:${scope.server}` : `profile:${scope.profile}`;
}
