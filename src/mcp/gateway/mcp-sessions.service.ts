import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, Notification } from '@modelcontextprotocol/sdk/types.js';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import type { PendingRequests } from './pending-requests';

/** What a session is connected to: the aggregate `/mcp`, or one upstream through `/mcp/servers/:name`. */
export type SessionScope = { kind: 'aggregate' } | { kind: 'server'; server: string } | { kind: 'profile'; profile: string };

export interface McpSession {
  id: string;
  scope: SessionScope;
  transportKind: 'streamable-http' | 'sse';
  server: Server;
  transport: Transport;
  /** The API key that opened it; only that key may use it. */
  keyId?: string;
  /** Its requests that are not answered yet. */
  requests: PendingRequests;
  createdAt: number;
  lastActivity: number;
}

/**
 * Every open MCP client session: idle ones expire, catalog changes become list_changed notifications
 * on aggregate sessions, upstream notifications reach proxy sessions of that upstream (and log
 * messages every aggregate session), and all sessions close in the `ingress` phase.
 */
@Injectable()
export class McpSessions implements OnModuleInit {
  private readonly logger = new Logger('McpSessions');
  private readonly sessions = new Map<string, McpSession>();
  private sweeper?: NodeJS.Timeout;
  private pendingListChanged?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly events: EventBus,
    private readonly upstreams: UpstreamManager,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({ phase: 'ingress', name: 'mcp-sessions', close: () => this.closeAll('the hub is shutting down') });
  }

  onModuleInit(): void {
    this.events.subscribe(() => this.scheduleListChanged(), ['mcp.catalog.changed']);
    this.upstreams.onNotification((server, notification) => this.forwardUpstreamNotification(server, notification));
    const idleMs = this.config.mcp.sessionIdleMs;
    this.sweeper = setInterval(() => this.expireIdle(idleMs), Math.min(idleMs, 60_000));
    this.sweeper.unref();
  }

  newId(): string {
    return randomUUID();
  }

  add(session: McpSession): void {
    this.sessions.set(session.id, session);
    this.events.publish('mcp.session', { session: session.id, change: 'opened', transport: session.transportKind, scope: describeScope(session.scope) }, session.id);
  }

  get(id: string): McpSession | undefined {
    const session = this.sessions.get(id);
    if (session) session.lastActivity = Date.now();
    return session;
  }

  /** Forget a session whose transport closed (the client sent DELETE, disconnected, or it expired). */
  remove(id: string, reason: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.events.publish('mcp.session', { session: id, change: 'closed', reason, transport: session.transportKind, durationMs: Date.now() - session.createdAt }, id);
  }

  async closeAll(reason: string): Promise<void> {
    clearInterval(this.sweeper);
    clearTimeout(this.pendingListChanged);
    await Promise.all([...this.sessions.values()].map((session) => this.close(session, reason)));
  }

  private async close(session: McpSession, reason: string): Promise<void> {
    this.remove(session.id, reason);
    session.requests.answerAll(ErrorCode.ConnectionClosed, `Connection closed: ${reason}`);
    await session.server.close().catch((error: Error) => this.logger.warn(`Closing session ${session.id} failed: ${error.message}`));
  }

  private expireIdle(idleMs: number): void {
    const cutoff = Date.now() - idleMs;
    for (const session of this.sessions.values()) {
      if (session.lastActivity < cutoff) void this.close(session, `idle for more than ${idleMs} ms`);
    }
  }

  private scheduleListChanged(): void {
    clearTimeout(this.pendingListChanged);
    this.pendingListChanged = setTimeout(() => {
      for (const session of this.sessions.values()) {
        if (session.scope.kind === 'server') continue;
        void Promise.all([session.server.sendToolListChanged(), session.server.sendResourceListChanged(), session.server.sendPromptListChanged()]).catch(() => undefined);
      }
    }, 50);
  }

  private forwardUpstreamNotification(server: string, notification: Notification): void {
    for (const session of this.sessions.values()) {
      if (session.scope.kind === 'server' && session.scope.server === server) {
        void session.server.notification(notification as never).catch(() => undefined);
      } else if (session.scope.kind !== 'server' && notification.method === 'notifications/message') {
        const params = notification.params as { level: 'info'; data: unknown; logger?: string };
        void session.server.sendLoggingMessage({ ...params, logger: params.logger ? `${server}/${params.logger}` : server }).catch(() => undefined);
      }
    }
  }
}

export function describeScope(scope: SessionScope): string {
  return scope.kind === 'aggregate' ? 'aggregate' : scope.kind === 'server' ? `server:${scope.server}` : `profile:${scope.profile}`;
}
