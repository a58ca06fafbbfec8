import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnections } from '../redis/redis-connections';

/**
 * Tells every hub instance sharing this Redis (and key prefix) that API keys changed, so each drops
 * its verification cache at once instead of trusting a revoked key until the cache expires. A
 * subscriber that reconnects drops its cache too: it may have missed a message while Redis was away.
 */
@Injectable()
export class KeyChangeChannel implements OnModuleInit {
  private readonly logger = new Logger('KeyChangeChannel');
  private readonly channel: string;
  private readonly listeners: (() => void)[] = [];
  private subscriber?: Redis;

  constructor(private readonly redis: RedisConnections) {
    this.channel = `${redis.keyPrefix}api-keys:changed`;
  }

  onModuleInit(): void {
    this.subscriber = this.redis.createBlockingConnection();
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.channel) this.notifyLocal();
    });
    this.subscriber.on('ready', () => this.notifyLocal());
    void this.subscriber.subscribe(this.channel).catch((error: Error) => this.logger.warn(`Subscribing to ${this.channel} failed: ${error.message}`));
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** This instance forgets at once; the others when the message arrives. */
  async publish(): Promise<void> {
    this.notifyLocal();
    await this.redis.commands.publish(this.channel, String(Date.now())).catch((error: Error) => this.logger.warn(`Announcing a key change failed: ${error.message}`));
  }

  private notifyLocal(): void {
    for (const listener of this.listeners) listener();
  }
}
