import { UpstreamOAuth } from '../oauth/upstream-oauth.service';
import { Injectable, Logger } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type Notification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { maskSecrets } from '../../platform/secrets/secret-mask';
import { NotFoundError } from '../../platform/errors/app-error';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { CatalogService } from '../catalog/catalog.service';
import { ServerDefinition, definitionFingerprint } from '../servers-config/server-definition';
import { topologicalOrder } from '../servers-config/dependency-graph';
import { ServerState, ServerStatus, retryAfterSeconds } from './server-state';
import { UpstreamConnection } from './upstream-connection';
import { UpstreamUnavailableError } from './upstream.errors';
import { requestUpstream, type LimitedRequestOptions } from './upstream-request';
import type { RequestOrigin } from './in-flight-origins';
import type { DownstreamSessions, NotificationRoute } from './downstream-sessions';
import { SessionClients } from './session-clients';

export interface ApplyResult {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

const LIVE_STATES: ServerState[] = ['connected', 'degraded'];

export type UpstreamNotificationListener = (server: string, notification: Notification, route: NotificationRoute) => void;

/**
 * Owns one UpstreamConnection per configured server. `apply()` takes the desired set and touches
 * only what changed; servers start in dependency order, each waiting until its dependencies connect,
 * independent ones in parallel. Connections close in the `producers` shutdown phase.
 */
@Injectable()
export class UpstreamManager {
  private readonly logger = new Logger('Upstreams');
  private readonly connections = new Map<string, UpstreamConnection>();
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();
  private readonly notificationListeners = new Set<UpstreamNotificationListener>();
  private readonly sessionClients: SessionClients;
  private downstream?: DownstreamSessions;
  private firstApply = true;

  constructor(
    private readonly catalog: CatalogService,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly oauth: UpstreamOAuth,
    coordinator: ShutdownCoordinator,
  ) {
    oauth.onAuthorizationNeeded((server) => this.connections.get(server)?.markUnauthorized());
    coordinator.register({ phase: 'producers', name: 'upstream-mcp-servers', close: () => this.stopAll('the hub is shutting down') });
    this.sessionClients = new SessionClients(
      {
        onNotification: (server, sessionId, notification) => this.notify(server, notification, { sessionId, own: true, requestId: this.connections.get(server)?.ownInFlight.oldestOf(sessionId) }),
        onServerRequest: (server, sessionId, request, signal) => this.ask(server, sessionId, this.connections.get(server)?.ownInFlight.oldestOf(sessionId), request, signal),
        onStderr: (server, text) => this.connections.get(server)?.stderr.write(text),
      },
      { maxMessageBytes: config.mcp.upstreamMaxMessageBytes, maxPerServer: config.mcp.isolatedSessionsPerServer, authProviderFor: (definition) => oauth.providerFor(definition) },
    );
  }

  /** The client sessions: whom an upstream's requests and notifications go to. */
  useDownstream(downstream: DownstreamSessions): void {
    this.downstream = downstream;
  }

  async apply(definitions: ServerDefinition[]): Promise<ApplyResult> {
    const next = new Map(definitions.map((d) => [d.name, d]));
    const result: ApplyResult = { added: [], removed: [], changed: [], unchanged: [] };
    for (const name of this.connections.keys()) if (!next.has(name)) result.removed.push(name);
    for (const [name, definition] of next) {
      const current = this.connections.get(name);
      if (!current) result.added.push(name);
      else if (definitionFingerprint(current.definition) !== definitionFingerprint(definition)) result.changed.push(name);
      else result.unchanged.push(name);
    }

    await Promise.all(result.removed.map(async (name) => {
      await this.connections.get(name)!.stop('removed from the configuration');
      await this.sessionClients.closeServer(name);
      this.connections.delete(name);
      await this.catalog.remove(name);
      await this.oauth.forget(name);
    }));
    await Promise.all(result.changed.map(async (name) => {
      await this.connections.get(name)!.stop('configuration changed; restarting');
      await this.sessionClients.closeServer(name);
    }));
    if (this.firstApply) await this.forgetUnconfigured(next);

    const fresh = [...result.added, ...result.changed];
    const limits = { maxMessageBytes: this.config.mcp.upstreamMaxMessageBytes };
    for (const name of fresh) {
      const definition = next.get(name)!;
      this.connections.set(name, new UpstreamConnection(definition, this.hooksFor(name), { ...limits, authProvider: this.oauth.providerFor(definition) }));
    }
    const order = topologicalOrder([...this.connections.values()].map((c) => c.definition));
    for (const name of order) if (fresh.includes(name)) this.startWhenReady(name);
    return result;
  }

  statuses(): ServerStatus[] {
    return [...this.connections.values()].map((c) => c.snapshot()).sort((a, b) => a.name.localeCompare(b.name));
  }

  status(name: string): ServerStatus {
    return this.connection(name).snapshot();
  }

  definition(name: string): ServerDefinition {
    return this.connection(name).definition;
  }

  stderr(name: string, limit?: number) {
    const connection = this.connection(name);
    // a server may print its own credentials; they are masked as everywhere the hub shows text
    return { lines: connection.stderr.tail(limit).map(({ at, line }) => ({ at, line: maskSecrets(line) })), dropped: connection.stderr.dropped };
  }

  has(name: string): boolean {
    return this.connections.has(name);
  }

  /** The connected SDK client of a server; 404 when unknown, 503 (with Retry-After) when not connected. */
  client(name: string): Client {
    const connection = this.connection(name);
    const client = connection.connectedClient;
    if (!client) {
      const status = connection.snapshot();
      throw new UpstreamUnavailableError(name, status.state, status.reason, retryAfterSeconds(status));
    }
    return client;
  }

  /** Hears every notification any upstream sends; returns a function that stops listening. */
  onNotification(listener: UpstreamNotificationListener): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** The server's own name, version, capabilities and instructions while it is connected. */
  serverIdentity(name: string) {
    const client = this.client(name);
    return { info: client.getServerVersion(), capabilities: client.getServerCapabilities() ?? {}, instructions: client.getInstructions() };
  }

  /**
   * One request to a connected server, limited to `timeoutMs` (default: its timeouts.requestMs);
   * failures become 502/503/504. `origin` is the client session and request it is made for: what the
   * upstream asks or logs meanwhile goes to that session, and with isolation per-session the request
   * goes on that session's own upstream session.
   */
  async request<T>(name: string, send: (client: Client, options: LimitedRequestOptions) => Promise<T>, timeoutMs?: number, origin?: RequestOrigin): Promise<T> {
    const connection = this.connection(name);
    let client = this.client(name);
    const limit = timeoutMs ?? connection.definition.timeouts.requestMs;
    const own = origin !== undefined && connection.definition.isolation === 'per-session';
    if (own) client = await this.sessionClient(connection, origin.sessionId);
    const waiting = own ? connection.ownInFlight : connection.inFlight;
    waiting.add(origin);
    try {
      return await requestUpstream(name, client, limit, send);
    } finally {
      waiting.remove(origin);
    }
  }

  /** Whether a client session gets its own upstream session of this server. */
  isolatedPerSession(name: string): boolean {
    return this.connection(name).definition.isolation === 'per-session';
  }

  /**
   * A client session's notification to the upstream (roots/list_changed, ...): on its own upstream
   * session when the server isolates sessions (none yet: nothing to tell), else on the shared one.
   */
  async notifyUpstream(name: string, notification: Notification, sessionId?: string): Promise<void> {
    if (sessionId !== undefined && this.isolatedPerSession(name)) {
      const own = this.sessionClients.existing(name, sessionId);
      if (own) await (await own).notification(notification as never);
      return;
    }
    await this.client(name).notification(notification as never);
  }

  /** The session's own upstream sessions that are connected, by server. */
  async ownClients(sessionId: string): Promise<[server: string, client: Client][]> {
    const settled = await Promise.all(this.sessionClients.ofSession(sessionId).map(async ([server, client]) => [server, await client.catch(() => undefined)] as const));
    return settled.flatMap(([server, client]) => (client ? [[server, client] as [string, Client]] : []));
  }

  /** Closes the upstream sessions of a client session that ended. */
  closeSession(sessionId: string): Promise<void> {
    return this.sessionClients.closeSession(sessionId);
  }

  /** How many client sessions hold an upstream session of their own with this server. */
  sessionCount(name: string): number {
    return this.sessionClients.count(name);
  }

  private sessionClient(connection: UpstreamConnection, sessionId: string): Promise<Client> {
    const downstream = this.downstream?.clientOf(sessionId);
    if (!downstream) throw new McpError(ErrorCode.InternalError, `No client session ${sessionId} to start an upstream session of ${connection.name} for`);
    return this.sessionClients.get(connection.definition, connection.snapshot().transport ?? 'stdio', sessionId, downstream);
  }

  /** An upstream's request to its client, answered by the client session it belongs to. */
  private async ask(server: string, sessionId: string, requestId: RequestOrigin['requestId'] | undefined, request: ServerRequest, signal: AbortSignal): Promise<Record<string, unknown>> {
    if (!this.downstream) throw new McpError(ErrorCode.InternalError, 'MCP Hub has no client sessions to ask');
    return this.downstream.ask(sessionId, requestId, request, signal);
  }

  /** A request from a shared connection: only the one client session waiting on that server can be meant. */
  private async askShared(server: string, request: ServerRequest, signal: AbortSignal): Promise<Record<string, unknown>> {
    const owner = this.connections.get(server)?.inFlight.owner();
    if (!owner || 'waiting' in owner) {
      const why =
        !owner || owner.waiting === 0
          ? `no client session has a request in flight to "${server}"`
          : `${owner.waiting} callers (client sessions, REST calls) have requests in flight to "${server}"`;
      throw new McpError(
        ErrorCode.InvalidRequest,
        `MCP Hub cannot tell which client should answer ${request.method}: ${why}. Give the server "isolation": "per-session" in the hub's servers file so that each client has its own.`,
      );
    }
    return this.ask(server, owner.sessionId, owner.requestId, request, signal);
  }

  private notify(server: string, notification: Notification, route: NotificationRoute): void {
    this.notificationListeners.forEach((listener) => listener(server, notification, route));
  }

  start(name: string): ServerStatus {
    const connection = this.connection(name);
    if (!LIVE_STATES.includes(connection.snapshot().state)) this.startWhenReady(name);
    return connection.snapshot();
  }

  async stop(name: string): Promise<ServerStatus> {
    const connection = this.connection(name);
    await connection.stop('stopped over the API');
    await this.sessionClients.closeServer(name);
    return connection.snapshot();
  }

  async restart(name: string): Promise<ServerStatus> {
    const connection = this.connection(name);
    await connection.stop('restarting over the API');
    await this.sessionClients.closeServer(name);
    this.startWhenReady(name);
    return connection.snapshot();
  }

  /** Reads the server's lists again now (they are also re-read on every list_changed); a server not connected keeps its catalog. */
  async refreshCatalog(name: string): Promise<void> {
    const connection = this.connection(name);
    const client = connection.connectedClient;
    if (client) await this.catalog.sync(name, client, connection.definition.timeouts.requestMs);
  }

  async stopAll(reason: string): Promise<void> {
    for (const timer of this.refreshTimers.values()) clearTimeout(timer);
    await Promise.all([...this.connections.values()].map((c) => c.stop(reason)));
    await Promise.all([...this.connections.keys()].map((name) => this.sessionClients.closeServer(name)));
  }

  private connection(name: string): UpstreamConnection {
    const connection = this.connections.get(name);
    if (!connection) throw new NotFoundError('MCP server', name, 'SERVER_NOT_FOUND');
    return connection;
  }

  /** Catalog entries of servers no longer configured go; the rest stay, unavailable until they connect. */
  private async forgetUnconfigured(configured: Map<string, ServerDefinition>): Promise<void> {
    this.firstApply = false;
    const known = new Set(this.catalog.tools().map((t) => t.serverName));
    this.catalog.resources().forEach((r) => known.add(r.serverName));
    this.catalog.prompts().forEach((p) => known.add(p.serverName));
    await Promise.all([...known].map((name) => (configured.has(name) ? this.catalog.setAvailable(name, false) : this.catalog.remove(name))));
  }

  private startWhenReady(name: string): void {
    const connection = this.connections.get(name);
    if (!connection) return;
    if (connection.definition.disabled) return connection.start();
    const blockers = connection.definition.dependsOn
      .map((dependency) => ({ dependency, status: this.connections.get(dependency)?.snapshot() }))
      .filter(({ status }) => !status || !LIVE_STATES.includes(status.state));
    if (blockers.length === 0) return connection.start();
    const why = blockers
      .map(({ dependency, status }) =>
        !status ? `${dependency} (not configured)` : status.state === 'failed' ? `${dependency} (failed: ${status.lastError ?? status.reason})` : `${dependency} (${status.state})`,
      )
      .join(', ');
    const reason = `waiting for ${why}`;
    const current = connection.snapshot();
    if (current.state !== 'waiting' || current.reason !== reason) connection.markWaiting(reason);
  }

  private hooksFor(name: string) {
    return {
      onState: (status: ServerStatus, previous: ServerState) => {
        const level = status.state === 'failed' || status.state === 'degraded' || status.state === 'backoff' ? 'warn' : 'log';
        this.logger[level](`${name}: ${previous} → ${status.state} (${status.reason})`);
        this.events.publish(
          'mcp.server.state',
          { server: name, from: previous, to: status.state, reason: status.reason, attempt: status.attempts.at(-1)?.attempt ?? null },
          name,
        );
        if (previous !== status.state) this.reconsiderDependents(name);
      },
      onConnected: (client: Client) => this.catalog.sync(name, client, this.connections.get(name)?.definition.timeouts.requestMs ?? 60_000),
      onDisconnected: () => void this.catalog.setAvailable(name, false),
      onListChanged: () => this.scheduleRefresh(name),
      onNotification: (notification: Notification) => {
        const owner = this.connections.get(name)?.inFlight.owner();
        this.notify(name, notification, owner && 'sessionId' in owner ? { ...owner, own: false } : { own: false });
      },
      onServerRequest: (request: ServerRequest, signal: AbortSignal) => this.askShared(name, request, signal),
    };
  }

  private reconsiderDependents(name: string): void {
    for (const connection of this.connections.values()) {
      if (connection.definition.dependsOn.includes(name) && connection.snapshot().state === 'waiting') this.startWhenReady(connection.name);
    }
  }

  private scheduleRefresh(name: string): void {
    clearTimeout(this.refreshTimers.get(name));
    this.refreshTimers.set(
      name,
      setTimeout(() => {
        this.refreshTimers.delete(name);
        const connection = this.connections.get(name);
        // also while the first catalog read runs: a change it may have missed is read after it
        const client = connection?.currentClient;
        if (client) void this.catalog.sync(name, client, connection.definition.timeouts.requestMs);
      }, 100),
    );
  }
}
