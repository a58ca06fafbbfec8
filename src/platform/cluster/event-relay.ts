import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../events/event-bus';
import { HubEvent } from '../events/hub-event';
import { InstanceRole } from '../instance/instance-role';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { ClusterChannel } from './cluster-channel';
import { ClusterMembers } from './cluster-members';

const FLUSH_MS = 25;
const MAX_BATCH = 1_000;
/** Past this many unsent events (Redis slow or away) new ones are not relayed: the stream is live, not a log. */
const MAX_PENDING = 20_000;
/** The same happening reported by several replicas (a catalog change each of them saw) is shown once within this window. */
const DUPLICATE_WINDOW_MS = 2_000;
/** Events that describe something every replica sees for itself (shared config, the same upstream's catalog), so copies from several replicas are one happening. */
const SHARED_HAPPENINGS = ['mcp.catalog.changed', 'mcp.config.reloaded'];

/**
 * Carries bus events between hub processes, so `/api/events`, the console and list_changed
 * notifications of every replica show what happened on all of them: while another replica runs, this
 * process's events of the types another replica listens for (ClusterMembers' `interest`: catalog
 * changes always, everything an open /api/events stream asks for) go out in batches on the `events`
 * topic, and api replicas hand the others' events to their bus as remote events (`origin` set). A
 * remote catalog change or config reload identical in subject and data to one already seen here in
 * the last DUPLICATE_WINDOW_MS is dropped. One batch is published at a time: while Redis is slow or
 * away, events wait in `outgoing` under its bound.
 */
@Injectable()
export class ClusterEventRelay implements OnModuleInit {
  private readonly logger = new Logger('ClusterEventRelay');
  private outgoing: HubEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  /** What this replica's own listeners want from the others: the events worth remembering, to drop the others' copies. */
  private ownInterest: string[] = [];
  private dropped = 0;
  private readonly seen = new Map<string, number>();
  private publishing = false;
  private stopped = false;

  constructor(
    private readonly bus: EventBus,
    private readonly channel: ClusterChannel,
    private readonly members: ClusterMembers,
    private readonly role: InstanceRole,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({ phase: 'flush', name: 'cluster-event-relay', close: () => this.stop() });
  }

  onModuleInit(): void {
    this.members.onChange(() => this.follow());
    this.bus.onRemoteInterestChange(() => (this.ownInterest = this.bus.remoteInterest()));
    if (this.role.role === 'api') this.channel.on('events', (payload, origin) => this.receive(payload, origin));
  }

  /** Relays only while someone wants something: a single hub, or replicas nobody watches, pay nothing per call. */
  private follow(): void {
    const wanted = this.members.hasOthers() && !this.stopped ? this.members.othersInterest() : [];
    this.unsubscribe?.();
    this.unsubscribe = wanted.length > 0 ? this.bus.subscribe((event) => this.relay(event), wanted) : undefined;
  }

  private relay(event: HubEvent): void {
    if (this.role.role === 'api' && wants(this.ownInterest, event.type) && wants(SHARED_HAPPENINGS, event.type)) this.isNew(event);
    if (this.outgoing.length >= MAX_PENDING) {
      if (this.dropped++ === 0) this.logger.warn(`More than ${MAX_PENDING} events wait to be relayed to the other replicas; newer ones are not relayed until Redis catches up`);
      return;
    }
    this.outgoing.push(event);
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.publishing) return;
    this.publishing = true;
    try {
      while (this.outgoing.length > 0) await this.channel.publish('events', this.outgoing.splice(0, MAX_BATCH));
    } finally {
      this.publishing = false;
    }
    if (this.dropped > 0) {
      this.logger.warn(`${this.dropped} event(s) were not relayed to the other replicas`);
      this.dropped = 0;
    }
  }

  private receive(payload: unknown, origin: string): void {
    if (!Array.isArray(payload)) return;
    for (const item of payload as HubEvent[]) {
      if (typeof item?.type !== 'string' || typeof item.time !== 'string') continue;
      if (wants(SHARED_HAPPENINGS, item.type) && !this.isNew(item)) continue;
      this.bus.receive({ type: item.type, subject: item.subject, time: item.time, data: item.data ?? {}, origin: item.origin ?? origin });
    }
  }

  /** False when the same event was seen within the window (which starts at its first sighting). */
  private isNew(event: HubEvent): boolean {
    const now = Date.now();
    const key = `${event.type}\u0000${event.subject ?? ''}\u0000${JSON.stringify(event.data)}`;
    const first = this.seen.get(key);
    if (first !== undefined && now - first <= DUPLICATE_WINDOW_MS) return false;
    this.seen.set(key, now);
    if (this.seen.size > MAX_PENDING) {
      for (const [known, at] of this.seen) if (now - at > DUPLICATE_WINDOW_MS) this.seen.delete(known);
      if (this.seen.size > MAX_PENDING) this.seen.clear();
    }
    return true;
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    this.follow();
    await this.flush();
  }
}

const wants = (prefixes: string[], type: string) => prefixes.some((prefix) => type.startsWith(prefix));
