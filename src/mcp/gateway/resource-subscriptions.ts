import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { EventBus } from '../../platform/events/event-bus';
import { KeyedSerialQueue } from '../../platform/keyed-serial-queue';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import type { RequestOrigin } from '../upstream/in-flight-origins';

const key = (server: string, uri: string) => `${server}\u0000${uri}`;

/** Subscriptions one client session may hold; more are refused (each costs an entry here, and maybe one upstream). */
export const MAX_SUBSCRIPTIONS_PER_SESSION = 1000;

interface Followed {
  server: string;
  uri: string;
  /** session → the URI the session subscribed with */
  sessions: Map<string, string>;
}

/**
 * Which client sessions subscribed to which upstream resource, and under which URI they know it
 * (an aggregate session may know it as mcp-hub://<server>/<uri>). On a shared connection the hub
 * subscribes upstream for the first session and unsubscribes after the last; with isolation
 * per-session every session subscribes on its own upstream session. Updates go only to subscribers.
 * A shared connection that comes back (a restart, a new process) is subscribed again.
 */
@Injectable()
export class ResourceSubscriptions implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ResourceSubscriptions');
  private stopListening?: () => void;
  /** server+uri → who follows it. */
  private readonly subscribers = new Map<string, Followed>();
  /** session → how many subscriptions it holds. */
  private readonly counts = new Map<string, number>();
  /** Changes of one resource run one after another, so a subscribe and an unsubscribe cannot cross upstream. */
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly upstreams: UpstreamManager,
    private readonly bus: EventBus,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.bus.subscribe((event) => {
      const { server, from, to } = event.data as { server?: string; from?: string; to?: string };
      // a server that answered pings again kept its connection, and its subscriptions
      if (to === 'connected' && from !== 'degraded' && server) this.resubscribe(server);
    }, ['mcp.server.state']);
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  subscribe(server: string, uri: string, origin: RequestOrigin, knownAs: string): Promise<void> {
    return this.queue.run(key(server, uri), async () => {
      const followed = this.subscribers.get(key(server, uri)) ?? { server, uri, sessions: new Map<string, string>() };
      const renewal = followed.sessions.has(origin.sessionId);
      const held = this.counts.get(origin.sessionId) ?? 0;
      if (!renewal && held >= MAX_SUBSCRIPTIONS_PER_SESSION) {
        throw new McpError(ErrorCode.InvalidRequest, `This session already holds ${MAX_SUBSCRIPTIONS_PER_SESSION} resource subscriptions; unsubscribe from one first`);
      }
      const own = this.upstreams.isolatedPerSession(server);
      if (own || followed.sessions.size === 0) {
        await this.tellUpstream('subscribe', server, uri, own ? origin : undefined);
      }
      followed.sessions.set(origin.sessionId, knownAs);
      this.subscribers.set(key(server, uri), followed);
      if (!renewal) this.counts.set(origin.sessionId, held + 1);
    });
  }

  unsubscribe(server: string, uri: string, origin: RequestOrigin): Promise<void> {
    return this.queue.run(key(server, uri), () => this.drop(server, uri, origin.sessionId, origin));
  }

  /** The sessions subscribed to a resource, each with the URI it subscribed with. */
  subscribersOf(server: string, uri: string): [sessionId: string, knownAs: string][] {
    return [...(this.subscribers.get(key(server, uri))?.sessions.entries() ?? [])];
  }

  /** A session ended: its subscriptions go, and the upstream's when it was the last subscriber. */
  async forget(sessionId: string): Promise<void> {
    const held = [...this.subscribers.values()].filter((followed) => followed.sessions.has(sessionId));
    await Promise.all(held.map(({ server, uri }) => this.queue.run(key(server, uri), () => this.drop(server, uri, sessionId)).catch(() => undefined)));
  }

  /** The upstream's subscriptions went with its old connection: the resources sessions still follow are subscribed again. */
  private resubscribe(server: string): void {
    if (!this.upstreams.has(server) || this.upstreams.isolatedPerSession(server)) return;
    for (const followed of this.subscribers.values()) {
      if (followed.server !== server) continue;
      const { uri } = followed;
      void this.queue.run(key(server, uri), async () => {
        if (!this.subscribers.has(key(server, uri))) return;
        await this.tellUpstream('subscribe', server, uri);
      }).catch((error: Error) => this.logger.warn(`${server}: subscribing to ${uri} again after it reconnected failed: ${error.message}`));
    }
  }

  private async drop(server: string, uri: string, sessionId: string, origin?: RequestOrigin): Promise<void> {
    const followed = this.subscribers.get(key(server, uri));
    if (!followed?.sessions.delete(sessionId)) return;
    const held = (this.counts.get(sessionId) ?? 1) - 1;
    if (held > 0) this.counts.set(sessionId, held);
    else this.counts.delete(sessionId);
    if (followed.sessions.size === 0) this.subscribers.delete(key(server, uri));
    const own = this.upstreams.has(server) && this.upstreams.isolatedPerSession(server);
    // a session's own upstream session closes with it; only a live one is told
    if (own ? origin !== undefined : followed.sessions.size === 0) {
      await this.tellUpstream('unsubscribe', server, uri, own ? origin : undefined);
    }
  }

  /** On the session's own upstream session when `origin` is given, else on the shared connection. */
  private tellUpstream(change: 'subscribe' | 'unsubscribe', server: string, uri: string, origin?: RequestOrigin): Promise<unknown> {
    return this.upstreams.request(server, (client, options) => (change === 'subscribe' ? client.subscribeResource({ uri }, options) : client.unsubscribeResource({ uri }, options)), undefined, origin);
  }
}
