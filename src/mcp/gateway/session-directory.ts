import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { HubInstanceService } from '../../platform/instance/hub-instance.service';
import { RedisConnections } from '../../platform/redis/redis-connections';

/** The replica that holds a session: its instance id and where the others reach it. */
export interface SessionOwner {
  instance: string;
  url: string;
}

/** Kept past the idle expiry, so the record outlives the session rather than the other way round. */
const MARGIN_MS = 60_000;
/** Owners of other replicas' sessions remembered here, so a forwarded request costs no Redis round trip. */
const KNOWN_OWNERS_MAX = 10_000;

/**
 * Which hub replica owns each MCP session, in Redis (`mcp:session:<id>` → "<instance> <url>") for the
 * session's lifetime: a replica that gets a request for a session it does not hold looks the owner up
 * here. The record expires MCP_SESSION_IDLE_MS after the session's last request, and is deleted when
 * the session closes; one left by a replica that was killed is deleted by the first replica that
 * fails to reach it.
 */
@Injectable()
export class SessionDirectory {
  private readonly logger = new Logger('SessionDirectory');
  private readonly ttlMs: number;
  private readonly value: string;
  /** Session id → owner, oldest first. A session's owner never changes; a stale entry ends in a 404 or an unreachable owner, and is dropped then. */
  private readonly knownOwners = new Map<string, SessionOwner>();

  constructor(
    config: AppConfig,
    private readonly redis: RedisConnections,
    private readonly instance: HubInstanceService,
  ) {
    this.ttlMs = config.mcp.sessionIdleMs + MARGIN_MS;
    this.value = `${instance.id} ${config.http.internalUrl}`;
  }

  /** How long a session may go without `touch` before its record must be refreshed. */
  get refreshEveryMs(): number {
    return MARGIN_MS / 2;
  }

  /** Records this replica as the owner; a Redis outage only costs the other replicas the way to the session. */
  async claim(sessionId: string): Promise<void> {
    await this.redis.commands.set(key(sessionId), this.value, 'PX', this.ttlMs).catch((error: Error) => this.logger.warn(`Could not record session ${sessionId}: ${error.message}`));
  }

  touch(sessionId: string): void {
    void this.redis.commands.pexpire(key(sessionId), this.ttlMs).catch(() => undefined);
  }

  release(sessionId: string): void {
    void this.redis.commands.del(key(sessionId)).catch(() => undefined);
  }

  async ownerOf(sessionId: string): Promise<SessionOwner | undefined> {
    const known = this.knownOwners.get(sessionId);
    if (known) return known;
    const value = await this.redis.commands.get(key(sessionId)).catch(() => null);
    if (!value) return undefined;
    const [instance, url] = value.split(' ');
    if (!instance || !url) return undefined;
    const owner = { instance, url };
    if (this.knownOwners.size >= KNOWN_OWNERS_MAX) this.knownOwners.delete(this.knownOwners.keys().next().value!);
    this.knownOwners.set(sessionId, owner);
    return owner;
  }

  /** The owner no longer holds the session (it answered 404): ask Redis next time. */
  ended(sessionId: string): void {
    this.knownOwners.delete(sessionId);
  }

  /** Deletes the record if it still names that owner (which could not be reached). */
  async forget(sessionId: string, owner: SessionOwner): Promise<void> {
    this.knownOwners.delete(sessionId);
    const script = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
    await this.redis.commands.eval(script, 1, key(sessionId), `${owner.instance} ${owner.url}`).catch(() => undefined);
  }

  isSelf(owner: SessionOwner): boolean {
    return owner.instance === this.instance.id;
  }

  get selfId(): string {
    return this.instance.id;
  }
}

const key = (sessionId: string) => `mcp:session:${sessionId}`;
