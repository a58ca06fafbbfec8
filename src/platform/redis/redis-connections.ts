import { Logger } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { describeUrl } from '../dependency-hints';
import { withinMs } from '../within-ms';

export type RedisPurpose = 'commands' | 'bullmq' | 'blocking';

/** Back off 200 ms, 400 ms, … up to 5 s between reconnect attempts, forever. */
export const reconnectDelay = (attempt: number): number => Math.min(attempt * 200, 5000);

/**
 * The one place Redis connections come from. `commands` is shared (and key-prefixed);
 * BullMQ and blocking stream reads each need a dedicated connection, created on demand.
 * Every connection reconnects by itself and logs while Redis is away.
 */
export class RedisConnections {
  private readonly logger = new Logger('Redis');
  private readonly connections = new Set<Redis>();
  readonly commands: Redis;

  constructor(
    private readonly url: string,
    readonly keyPrefix: string,
  ) {
    this.commands = this.open('commands', { keyPrefix });
  }

  /** For BullMQ (Queue, Worker, QueueEvents): no per-request retry limit, no ioredis key prefix. */
  createBullMqConnection(): Redis {
    return this.open('bullmq', { maxRetriesPerRequest: null, enableReadyCheck: false });
  }

  /**
   * What every BullMQ Queue and Worker of the hub is built with: its own connection, and keys under
   * `<REDIS_KEY_PREFIX>bull` so several hubs (and test runs) share a Redis.
   */
  bullMqOptions(): { connection: Redis; prefix: string } {
    return { connection: this.createBullMqConnection(), prefix: `${this.keyPrefix}bull` };
  }

  private unprefixedCommands?: Redis;

  /**
   * Shared connection without the ioredis key prefix, for stream commands (XADD, XACK, XPENDING, XINFO):
   * ioredis does not prefix keys that follow STREAMS, so stream users prefix keys themselves.
   */
  get streamCommands(): Redis {
    this.unprefixedCommands ??= this.open('commands', { maxRetriesPerRequest: null });
    return this.unprefixedCommands;
  }

  /**
   * Unprefixed, and failing at once while Redis is away instead of queueing: for writes a caller is
   * waiting on (REST ingest), which should get a 503 now rather than hang until Redis returns.
   */
  createFailFastConnection(): Redis {
    return this.open('commands', { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  }

  /** For XREADGROUP BLOCK and similar: a dedicated, unprefixed connection nobody else queues commands behind. */
  createBlockingConnection(): Redis {
    return this.open('blocking', { maxRetriesPerRequest: null });
  }

  async ping(timeoutMs: number): Promise<number> {
    const started = performance.now();
    await withinMs(this.commands.ping(), timeoutMs, `no PONG within ${timeoutMs} ms`);
    return performance.now() - started;
  }

  /** Closes every connection: QUIT politely, disconnect if Redis does not answer. */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.connections].map(async (connection) => {
        connection.removeAllListeners('error');
        connection.on('error', () => undefined);
        if (connection.status === 'ready') {
          await Promise.race([connection.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
        }
        connection.disconnect(false);
      }),
    );
    this.connections.clear();
  }

  private open(purpose: RedisPurpose, extra: RedisOptions): Redis {
    const connection = new Redis(this.url, {
      connectionName: `mcp-hub:${purpose}`,
      retryStrategy: reconnectDelay,
      maxRetriesPerRequest: 3,
      ...extra,
    });
    this.connections.add(connection);
    this.watch(connection, purpose);
    connection.once('end', () => this.connections.delete(connection));
    return connection;
  }

  private watch(connection: Redis, purpose: RedisPurpose): void {
    const where = describeUrl(this.url);
    let lostSince: number | undefined;
    let lastError = '';
    connection.on('error', (error: Error) => {
      if (error.message !== lastError) this.logger.warn(`Redis ${purpose} connection to ${where}: ${error.message}`);
      lastError = error.message;
    });
    connection.on('close', () => {
      lostSince ??= Date.now();
    });
    connection.on('reconnecting', (delay: number) => {
      this.logger.warn(`Redis ${purpose} connection to ${where} lost ${Math.round((Date.now() - (lostSince ?? Date.now())) / 1000)} s ago; reconnecting in ${delay} ms`);
    });
    connection.on('ready', () => {
      if (lostSince !== undefined) {
        this.logger.log(`Redis ${purpose} connection to ${where} is back after ${Date.now() - lostSince} ms`);
      }
      lostSince = undefined;
      lastError = '';
    });
  }
}
