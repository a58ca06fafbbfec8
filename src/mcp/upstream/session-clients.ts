import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ClientCapabilities, Implementation, Notification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '../../platform/errors/describe-error';
import { maskSecrets } from '../../platform/secrets/secret-mask';
import type { ServerDefinition } from '../servers-config/server-definition';
import { answerServerRequests } from './server-requests';
import { TransportKind, createTransport } from './upstream-transport';
import { UpstreamSessionFailedError, UpstreamSessionsFullError } from './upstream.errors';
import { DirectRequests } from './direct-requests';

/** Who the client session is, as it said in its initialize request; its upstream sessions say the same. */
export interface DownstreamClient {
  info: Implementation;
  capabilities: ClientCapabilities;
}

export interface SessionClientHooks {
  onNotification(server: string, sessionId: string, notification: Notification): void;
  onServerRequest(server: string, sessionId: string, request: ServerRequest, signal: AbortSignal): Promise<Record<string, unknown>>;
  onStderr(server: string, text: string): void;
}

export interface SessionClientLimits {
  maxMessageBytes: number;
  /** Upstream sessions (or processes) one server may hold at once. */
  maxPerServer: number;
  /** The server's OAuth provider: client sessions use the hub's authorization of the server. */
  authProviderFor?: (definition: ServerDefinition) => OAuthClientProvider | undefined;
}

/**
 * The upstream sessions of servers with `"isolation": "per-session"`: one SDK client per client
 * session and server, started on the session's first request to that server with the session's own
 * clientInfo and capabilities (a process of its own for stdio), closed with the session. Whatever
 * the upstream sends on it (sampling, elicitation, roots, logs, resource updates) is that session's.
 */
export class SessionClients {
  private readonly logger = new Logger('UpstreamSessions');
  /** server → session → its client, while connecting too. */
  private readonly byServer = new Map<string, Map<string, Promise<Client>>>();

  constructor(
    private readonly hooks: SessionClientHooks,
    private readonly limits: SessionClientLimits,
  ) {}

  get(definition: ServerDefinition, kind: TransportKind, sessionId: string, downstream: DownstreamClient): Promise<Client> {
    const server = definition.name;
    const sessions = this.byServer.get(server) ?? new Map<string, Promise<Client>>();
    this.byServer.set(server, sessions);
    const existing = sessions.get(sessionId);
    if (existing) return existing;
    if (sessions.size >= this.limits.maxPerServer) return Promise.reject(new UpstreamSessionsFullError(server, this.limits.maxPerServer, 5));
    const connecting = this.connect(definition, kind, sessionId, downstream);
    sessions.set(sessionId, connecting);
    connecting.catch(() => {
      if (sessions.get(sessionId) === connecting) sessions.delete(sessionId);
    });
    return connecting;
  }

  /** The session's client of this server, if it has one (connected or connecting). */
  existing(server: string, sessionId: string): Promise<Client> | undefined {
    return this.byServer.get(server)?.get(sessionId);
  }

  /** Every client this session has, by server. */
  ofSession(sessionId: string): [server: string, client: Promise<Client>][] {
    return [...this.byServer.entries()].flatMap(([server, sessions]) => {
      const client = sessions.get(sessionId);
      return client ? [[server, client] as [string, Promise<Client>]] : [];
    });
  }

  count(server: string): number {
    return this.byServer.get(server)?.size ?? 0;
  }

  async closeSession(sessionId: string): Promise<void> {
    await Promise.all([...this.byServer.values()].map((sessions) => this.closeOne(sessions, sessionId)));
  }

  /** Call after the server's shared connection stopped, so no request starts a new session meanwhile. */
  async closeServer(server: string): Promise<void> {
    const sessions = this.byServer.get(server);
    if (!sessions) return;
    this.byServer.delete(server);
    await Promise.all([...sessions.keys()].map((sessionId) => this.closeOne(sessions, sessionId)));
  }

  private async closeOne(sessions: Map<string, Promise<Client>>, sessionId: string): Promise<void> {
    const client = sessions.get(sessionId);
    if (!client) return;
    sessions.delete(sessionId);
    await client.then((c) => c.close()).catch(() => undefined);
  }

  private async connect(definition: ServerDefinition, kind: TransportKind, sessionId: string, downstream: DownstreamClient): Promise<Client> {
    const server = definition.name;
    const client = new Client(downstream.info, { capabilities: downstream.capabilities });
    client.fallbackNotificationHandler = async (notification) => this.hooks.onNotification(server, sessionId, notification);
    answerServerRequests(client, downstream.capabilities, (request, signal) => this.hooks.onServerRequest(server, sessionId, request, signal));
    const transport = createTransport(definition, kind, {
      maxMessageBytes: this.limits.maxMessageBytes,
      onOversized: ({ bytes, limitBytes }) => this.logger.warn(`${server} (session ${sessionId}): dropped a message of ${bytes} bytes, over ${limitBytes} (MCP_UPSTREAM_MAX_MESSAGE_BYTES)`),
      authProvider: this.limits.authProviderFor?.(definition),
    });
    if (transport instanceof StdioClientTransport) transport.stderr?.on('data', (chunk: Buffer) => this.hooks.onStderr(server, chunk.toString('utf8')));
    let connected = false;
    client.onclose = () => {
      // the process exited or the upstream ended the session: the next request starts a new one (a failed connect is dropped by get())
      if (!connected) return;
      const sessions = this.byServer.get(server);
      void sessions?.get(sessionId)?.then(
        (current) => current === client && sessions.delete(sessionId),
        () => undefined,
      );
    };
    try {
      await client.connect(transport, { timeout: definition.timeouts.connectMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw new UpstreamSessionFailedError(server, maskSecrets(describeError(error)));
    }
    connected = true;
    DirectRequests.attach(client);
    return client;
  }
}
