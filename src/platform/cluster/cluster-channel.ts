import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { HubInstanceService } from '../instance/hub-instance.service';
import { RedisConnections } from '../redis/redis-connections';

/** What replicas tell each other; each topic is one Redis channel. */
export type ClusterTopic = 'api-keys' | 'servers' | 'events' | 'members';

type Handler = (payload: unknown, origin: string) => void;

interface Envelope {
  origin: string;
  payload: unknown;
}

/**
 * Redis pub/sub between the hub and worker processes that share a Redis and key prefix: a process
 * hears what the others publish on a topic, never its own messages. Pub/sub keeps nothing for a
 * process that was away, so `onReconnect` listeners rebuild what a missed message would have changed.
 */
@Injectable()
export class ClusterChannel implements OnModuleInit {
  private readonly logger = new Logger('ClusterChannel');
  private readonly handlers = new Map<string, Handler[]>();
  private readonly reconnectListeners: (() => void)[] = [];
  private subscriber?: Redis;

  constructor(
    private readonly redis: RedisConnections,
    private readonly instance: HubInstanceService,
  ) {}

  onModuleInit(): void {
    this.subscriber = this.redis.createBlockingConnection();
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    this.subscriber.on('ready', () => this.reconnectListeners.forEach((listener) => listener()));
    const channels = [...this.handlers.keys()];
    if (channels.length > 0) this.subscribe(channels);
  }

  on(topic: ClusterTopic, handler: Handler): void {
    const channel = this.channelOf(topic);
    const known = this.handlers.get(channel);
    if (known) return void known.push(handler);
    this.handlers.set(channel, [handler]);
    if (this.subscriber) this.subscribe([channel]);
  }

  /** Called when the subscription (re)connects, including the first time. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async publish(topic: ClusterTopic, payload: unknown): Promise<void> {
    const envelope: Envelope = { origin: this.instance.id, payload };
    await this.redis.commands.publish(this.channelOf(topic), JSON.stringify(envelope)).catch((error: Error) => this.logger.warn(`Publishing on ${topic} failed: ${error.message}`));
  }

  private subscribe(channels: string[]): void {
    void this.subscriber!.subscribe(...channels).catch((error: Error) => this.logger.warn(`Subscribing to ${channels.join(', ')} failed: ${error.message}`));
  }

  private dispatch(channel: string, message: string): void {
    const handlers = this.handlers.get(channel);
    if (!handlers) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return void this.logger.warn(`Ignored a message on ${channel} that is not JSON`);
    }
    if (envelope.origin === this.instance.id) return;
    for (const handler of handlers) {
      try {
        handler(envelope.payload, envelope.origin);
      } catch (error) {
        this.logger.error(`A handler of ${channel} threw: ${(error as Error).message}`);
      }
    }
  }

  private channelOf(topic: ClusterTopic): string {
    // `commands` prefixes keys, not channels: the prefix is added here
    return `${this.redis.keyPrefix}cluster:${topic}`;
  }
}
