import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnections } from '../../platform/redis/redis-connections';

const FLAG_TTL_SECONDS = 24 * 3600;

/** Why a job is stopped: a person cancelled it, or a hyper-parameter search pruned it. */
export type CancelReason = 'cancelled' | 'pruned';

/**
 * Cancellation across processes: a flag in Redis (read before a job starts) and a pub/sub message
 * (`<job id> <reason>`, for the worker that is running it now, wherever it is).
 */
@Injectable()
export class JobCancellation implements OnModuleDestroy {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, (reason: CancelReason) => void>();
  /** Verdicts on whether a job should stop that this process is still reaching, by job; each leaves once reached. */
  private readonly verdicts = new Map<string, Set<Promise<unknown>>>();

  constructor(private readonly redis: RedisConnections) {}

  private get channel(): string {
    return `${this.redis.keyPrefix}training:cancel`;
  }

  async request(jobId: string, reason: CancelReason = 'cancelled'): Promise<void> {
    await this.redis.commands.set(`training:cancel:${jobId}`, reason, 'EX', FLAG_TTL_SECONDS);
    await this.redis.streamCommands.publish(this.channel, `${jobId} ${reason}`);
  }

  /** Why the job was asked to stop, or undefined when it was not. */
  async requested(jobId: string): Promise<CancelReason | undefined> {
    const flag = await this.redis.commands.get(`training:cancel:${jobId}`);
    if (flag === null) return undefined;
    return flag === 'pruned' ? 'pruned' : 'cancelled';
  }

  /** A verdict on whether the job should stop (a pruner judging one of its steps) that its worker awaits before it calls the job a success. */
  judging(jobId: string, verdict: Promise<unknown>): void {
    const pending = this.verdicts.get(jobId) ?? new Set();
    this.verdicts.set(jobId, pending.add(verdict));
    const reached = () => {
      pending.delete(verdict);
      if (pending.size === 0 && this.verdicts.get(jobId) === pending) this.verdicts.delete(jobId);
    };
    verdict.then(reached, reached);
  }

  /** Why the job was asked to stop, once every verdict this process is reaching on it is in. */
  async afterVerdicts(jobId: string): Promise<CancelReason | undefined> {
    for (let pending = this.verdicts.get(jobId); pending; pending = this.verdicts.get(jobId)) await Promise.allSettled([...pending]);
    return this.requested(jobId);
  }

  /** Calls onCancel when a cancel for jobId arrives, or has been requested already; returns the unsubscribe function. */
  async watch(jobId: string, onCancel: (reason: CancelReason) => void): Promise<() => void> {
    if (!this.subscriber) {
      this.subscriber = this.redis.createBlockingConnection();
      this.subscriber.on('message', (_channel: string, message: string) => {
        const [id, reason] = message.split(' ');
        this.listeners.get(id)?.(reason === 'pruned' ? 'pruned' : 'cancelled');
      });
      await this.subscriber.subscribe(this.channel);
    }
    this.listeners.set(jobId, onCancel);
    // a cancel requested after the caller checked the flag but before this listener was set went by on
    // the channel unheard (a stopped study's trial then ran to the end); the flag still tells
    const requested = await this.requested(jobId);
    if (requested) onCancel(requested);
    return () => this.listeners.delete(jobId);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }
}
