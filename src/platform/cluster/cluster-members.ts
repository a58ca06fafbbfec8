import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EventBus } from '../events/event-bus';
import { HubInstanceService } from '../instance/hub-instance.service';
import { InstanceRole } from '../instance/instance-role';
import { RedisConnections } from '../redis/redis-connections';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { ClusterChannel } from './cluster-channel';

/** A running hub (api) replica as the others see it. */
export interface Replica {
  id: string;
  /** Where the other replicas reach it (HUB_INTERNAL_URL). */
  url: string;
  hostname: string;
  pid: number;
  seenAt: number;
  /** Event type prefixes it wants relayed from the other processes ('' for all): its /api/events streams, its list_changed notifications. */
  interest: string[];
}

const BEAT_MS = 5_000;
/** A replica not heard of for this long is gone (SIGKILL, lost machine). */
const GONE_AFTER_MS = 3 * BEAT_MS;
const KEY = 'cluster:replicas';
/** Streams that open or close together are announced once. */
const ANNOUNCE_DELAY_MS = 20;

/**
 * The hub replicas sharing this Redis: each api process writes itself into one hash every BEAT_MS and
 * says when it joins, leaves or wants other events relayed, so the others know at once; workers only
 * read. `hasOthers` tells whether anything needs to cross processes at all, so a single hub pays
 * nothing for replication.
 */
@Injectable()
export class ClusterMembers implements OnApplicationBootstrap {
  private readonly logger = new Logger('ClusterMembers');
  private replicas = new Map<string, Replica>();
  private readonly listeners: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private pendingAnnounce?: NodeJS.Timeout;
  /** Set once this replica has left: no heartbeat may write it back. */
  private left = false;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisConnections,
    private readonly instance: HubInstanceService,
    private readonly role: InstanceRole,
    private readonly channel: ClusterChannel,
    private readonly bus: EventBus,
    coordinator: ShutdownCoordinator,
  ) {
    channel.on('members', () => void this.refresh().catch((error: Error) => this.logger.warn(`Reading the cluster members failed: ${error.message}`)));
    bus.onRemoteInterestChange(() => (this.pendingAnnounce ??= setTimeout(() => void this.announce(), ANNOUNCE_DELAY_MS)));
    coordinator.register({ phase: 'producers', name: 'cluster-membership', close: () => this.leave() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.announce();
    // per process on purpose, as hub_instances' heartbeat: each replica says in its own entry that it is alive (a shared job could not)
    this.timer = setInterval(() => void this.beat().catch((error: Error) => this.logger.warn(`Cluster heartbeat failed: ${error.message}`)), BEAT_MS);
    this.timer.unref();
  }

  get self(): string {
    return this.instance.id;
  }

  /** The api replicas alive now, this one included when it is one. */
  live(): Replica[] {
    return [...this.replicas.values()];
  }

  get(id: string): Replica | undefined {
    return this.replicas.get(id);
  }

  /** The event type prefixes the other api replicas want relayed ('' for all). */
  othersInterest(): string[] {
    return [...new Set([...this.replicas.values()].filter((replica) => replica.id !== this.instance.id).flatMap((replica) => replica.interest))];
  }

  /** Whether another api replica runs (for a worker: whether any does). */
  hasOthers(): boolean {
    for (const id of this.replicas.keys()) if (id !== this.instance.id) return true;
    return false;
  }

  /** Called after the set of live replicas changed. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Writes this replica's entry now and tells the others to read it (joined, or its interest changed). */
  private async announce(): Promise<void> {
    this.pendingAnnounce = undefined;
    if (this.left) return;
    await this.beat().catch((error: Error) => this.logger.warn(`Could not write this replica's cluster entry: ${error.message}`));
    if (this.role.role === 'api') await this.channel.publish('members', 'changed');
  }

  private async beat(): Promise<void> {
    if (this.role.role === 'api' && !this.left) {
      const me: Replica = { id: this.instance.id, url: this.config.http.internalUrl, hostname: hostname(), pid: process.pid, seenAt: Date.now(), interest: this.bus.remoteInterest() };
      await this.redis.commands.hset(KEY, me.id, JSON.stringify(me));
    }
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const fields = await this.redis.commands.hgetall(KEY);
    const now = Date.now();
    const next = new Map<string, Replica>();
    const gone: string[] = [];
    for (const [id, text] of Object.entries(fields)) {
      const replica = parseReplica(text);
      if (replica && now - replica.seenAt < GONE_AFTER_MS) next.set(id, replica);
      else gone.push(id);
    }
    if (gone.length > 0) await this.redis.commands.hdel(KEY, ...gone);
    const changed = next.size !== this.replicas.size || [...next].some(([id, replica]) => this.replicas.get(id)?.interest.join() !== replica.interest.join());
    this.replicas = next;
    if (changed) this.listeners.forEach((listener) => listener());
  }

  private async leave(): Promise<void> {
    this.left = true;
    clearInterval(this.timer);
    clearTimeout(this.pendingAnnounce);
    if (this.role.role !== 'api') return;
    // after any heartbeat already sent: both go over the same connection, in order
    await this.redis.commands.hdel(KEY, this.instance.id);
    await this.channel.publish('members', 'left');
  }
}

function parseReplica(text: string): Replica | undefined {
  try {
    const value = JSON.parse(text) as Replica;
    return typeof value.url === 'string' && typeof value.seenAt === 'number' ? { ...value, interest: Array.isArray(value.interest) ? value.interest : [''] } : undefined;
  } catch {
    return undefined;
  }
}
