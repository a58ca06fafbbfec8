import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../platform/events/event-bus';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import type { RequestOrigin } from '../upstream/in-flight-origins';

const key = (server: string, uri: string) => `${server}\u0000${uri}`;

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
  /** server+uri → session → the URI the session subscribed with. */
  private readonly subscribers = new Map<string, Map<string, string>>();
  /** Changes of one resource run one after another, so a subscribe and an unsubscribe cannot cross upstream. */
  private readonly queues = new Map<string, Promise<unknown>>();

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
    return this.serially(key(server, uri), async () => {
      const sessions = this.subscribers.get(key(server, uri)) ?? new Map<string, string>();
      const own = this.upstreams.isolatedPerSession(server);
      if (own || sessions.size === 0) {
        await this.upstreams.request(server, (client, options) => client.subscribeResource({ uri }, options), undefined, own ? origin : undefined);
      }
      sessions.set(origin.sessionId, knownAs);
      this.subscribers.set(key(server, uri), sessions);
    });
  }

  unsubscribe(server: string, uri: string, origin: RequestOrigin): Promise<void> {
    return this.serially(key(server, uri), () => this.drop(server, uri, origin.sessionId, origin));
  }

  /** The sessions subscribed to a resource, each with the URI it subscribed with. */
  subscribersOf(server: string, uri: string): [sessionId: string, knownAs: string][] {
    return [...(this.subscribers.get(key(server, uri))?.entries() ?? [])];
  }

  /** A session ended: its subscriptions go, and the upstream's when it was the last subscriber. */
  async forget(sessionId: string): Promise<void> {
    const held = [...this.subscribers.entries()].filter(([, sessions]) => sessions.has(sessionId)).map(([k]) => k);
    await Promise.all(
      held.map((k) => {
        const [server, uri] = k.split('\u0000');
        return this.serially(k, () => this.drop(server, uri, sessionId)).catch(() => undefined);
      }),
    );
  }

  /** The upstream's subscriptions went with its old connection: the resources sessions still follow are subscribed again. */
  private resubscribe(server: string): void {
    if (!this.upstreams.has(server) || this.upstreams.isolatedPerSession(server)) return;
    for (const k of this.subscribers.keys()) {
      const [name, uri] = k.split('\u0000');
      if (name !== server) continue;
      void this.serially(k, async () => {
        if (!this.subscribers.has(k)) return;
        await this.upstreams.request(server, (client, options) => client.subscribeResource({ uri }, options));
      }).catch((error: Error) => this.logger.warn(`${server}: subscribing to ${uri} again after it reconnected failed: ${error.message}`));
    }
  }

  private async drop(server: string, uri: string, sessionId: string, origin?: RequestOrigin): Promise<void> {
    const sessions = this.subscribers.get(key(server, uri));
    if (!sessions?.delete(sessionId)) return;
    if (sessions.size === 0) this.subscribers.delete(key(server, uri));
    const own = this.upstreams.has(server) && this.upstreams.isolatedPerSession(server);
    // a session's own upstream session closes with it; only a live one is told
    if (own ? origin !== undefined : sessions.size === 0) {
      await this.upstreams.request(server, (client, options) => client.unsubscribeResource({ uri }, options), undefined, own ? origin : undefined);
    }
  }

  private serially<T>(k: string, work: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(k) ?? Promise.resolve()).then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(k, settled);
    void settled.then(() => {
      if (this.queues.get(k) === settled) this.queues.delete(k);
    });
    return next;
  }
}
