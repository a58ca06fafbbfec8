import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ClusterMembers } from '../../platform/cluster/cluster-members';
import { EventBus } from '../../platform/events/event-bus';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { ServerState } from '../upstream/server-state';
import { UpstreamManager } from '../upstream/upstream-manager.service';

/** One replica's connection to one upstream server. */
export interface ReplicaServerState {
  instance: string;
  /** Whether it is the replica that answered. */
  current: boolean;
  state: ServerState;
  reason: string;
  since: string;
  pid?: number;
}

const WRITE_EVERY_MS = 5_000;
const KEEP_MS = 3 * WRITE_EVERY_MS;
const WRITE_DELAY_MS = 100;

/**
 * Each replica keeps its own upstream connections (its own stdio children, its own HTTP sessions), so
 * a server can be connected on one replica and failing on another. Each replica writes its servers'
 * states into Redis (`upstreams:<instance>`, refreshed every WRITE_EVERY_MS and soon after a change),
 * and `/api/servers` shows every live replica's.
 */
@Injectable()
export class ReplicaUpstreamStates implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReplicaUpstreamStates');
  private timer?: NodeJS.Timeout;
  private pendingWrite?: NodeJS.Timeout;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly upstreams: UpstreamManager,
    private readonly members: ClusterMembers,
    private readonly redis: RedisConnections,
    bus: EventBus,
    coordinator: ShutdownCoordinator,
  ) {
    this.unsubscribe = bus.subscribe(() => this.writeSoon(), ['mcp.server.state', 'mcp.config.reloaded']);
    members.onChange(() => this.writeSoon());
    coordinator.register({ phase: 'producers', name: 'replica-upstream-states', close: () => this.stop() });
  }

  onApplicationBootstrap(): void {
    this.writeSoon();
    // per process on purpose: only this replica knows its own connections' states, and its entry expires if it stops writing
    this.timer = setInterval(() => this.writeSoon(), WRITE_EVERY_MS);
    this.timer.unref();
  }

  /** Per server, its state on every live replica (this one first). */
  async byServer(): Promise<Map<string, ReplicaServerState[]>> {
    const result = new Map<string, ReplicaServerState[]>();
    const add = (server: string, state: ReplicaServerState) => result.set(server, [...(result.get(server) ?? []), state]);
    for (const status of this.upstreams.statuses()) add(status.name, { instance: this.members.self, current: true, state: status.state, reason: status.reason, since: status.since, ...(status.pid ? { pid: status.pid } : {}) });
    const others = this.members.live().filter((replica) => replica.id !== this.members.self);
    if (others.length === 0) return result;
    const pipeline = this.redis.commands.pipeline();
    for (const replica of others) pipeline.hgetall(keyOf(replica.id));
    const answers = (await pipeline.exec()) ?? [];
    answers.forEach(([error, fields], index) => {
      if (error) return;
      for (const [server, text] of Object.entries(fields as Record<string, string>)) {
        const state = parseState(text);
        if (state) add(server, { instance: others[index].id, current: false, ...state });
      }
    });
    return result;
  }

  private writeSoon(): void {
    if (!this.stopped) this.pendingWrite ??= setTimeout(() => void this.write(), WRITE_DELAY_MS);
  }

  /** Only while other replicas run: a single hub reads its own states. */
  private async write(): Promise<void> {
    clearTimeout(this.pendingWrite);
    this.pendingWrite = undefined;
    if (this.stopped || !this.members.hasOthers()) return;
    const key = keyOf(this.members.self);
    const fields = Object.fromEntries(this.upstreams.statuses().map((s) => [s.name, JSON.stringify({ state: s.state, reason: s.reason, since: s.since, ...(s.pid ? { pid: s.pid } : {}) })]));
    const transaction = this.redis.commands.multi().del(key);
    if (Object.keys(fields).length > 0) transaction.hset(key, fields).pexpire(key, KEEP_MS);
    await transaction.exec().catch((error: Error) => this.logger.warn(`Could not publish this replica's server states: ${error.message}`));
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    clearInterval(this.timer);
    clearTimeout(this.pendingWrite);
    await this.redis.commands.del(keyOf(this.members.self)).catch(() => undefined);
  }
}

const keyOf = (instance: string) => `upstreams:${instance}`;

function parseState(text: string): Omit<ReplicaServerState, 'instance' | 'current'> | undefined {
  try {
    const state = JSON.parse(text) as Omit<ReplicaServerState, 'instance' | 'current'>;
    return typeof state.state === 'string' && typeof state.since === 'string' ? state : undefined;
  } catch {
    return undefined;
  }
}
