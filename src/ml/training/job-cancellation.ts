import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnections } from '../../platform/redis/redis-connections';

const FLAG_TTL_SECONDS = 24 * 3600;

/**
 * Cancellation across processes: a flag in Redis (read before a job starts) and a pub/sub message
 * (for the worker that is running it now, wherever it is).
 */
@Injectable()
export class JobCancellation implements OnModuleDestroy {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, () => void>();

  constructor(private readonly redis: RedisConnections) {}

  private get channel(): string {
    return `${this.redis.keyPrefix}training:cancel`;
  }

  async request(jobId: string): Promise<void> {
    await this.redis.commands.set(`training:cancel:${jobId}`, '1', 'EX', FLAG_TTL_SECONDS);
    await this.redis.streamCommands.publish(this.channel, jobId);
  }

  async isRequested(jobId: string): Promise<boolean> {
    return (await this.redis.commands.exists(`training:cancel:${jobId}`)) === 1;
  }

  /** Calls onCancel when a cancel for jobId arrives; returns the unsubscribe function. */
  async watch(jobId: string, onCancel: () => void): Promise<() => void> {
    if (!this.subscriber) {
      this.subscriber = this.redis.createBlockingConnection();
      this.subscriber.on('message', (_channel: string, id: string) => this.listeners.get(id)?.());
      await this.subscriber.subscribe(this.channel);
    }
    this.listeners.set(jobId, onCancel);
    return () => this.listeners.delete(jobId);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }
}
