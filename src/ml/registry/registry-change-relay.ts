import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { EventBus } from '../../platform/events/event-bus';
import { HubInstanceService } from '../../platform/instance/hub-instance.service';
import { RedisConnections } from '../../platform/redis/redis-connections';

export interface RegistryChange {
  /** The ml.model.* event type, e.g. ml.model.stage_changed. */
  type: string;
  model: string;
  /** The event's data, as published: version, from, to, alias ... */
  data: Record<string, unknown>;
}

/**
 * The registry's events (ml.model.*) reach only the process that made the change. This relays them
 * over Redis to every other instance sharing the database, for state kept in memory per instance
 * (the model tools on /mcp). Remote changes go to `onRemoteChange` listeners, not onto the local bus,
 * so webhooks and telemetry still see each change once. A reconnected subscriber tells its listeners
 * too: it may have missed a change while Redis was away.
 */
@Injectable()
export class RegistryChangeRelay implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RegistryChangeRelay');
  private readonly channel: string;
  private listeners: ((change: RegistryChange | null) => void)[] = [];
  private subscriber?: Redis;
  private unsubscribe?: () => void;

  constructor(
    private readonly redis: RedisConnections,
    private readonly bus: EventBus,
    private readonly instance: HubInstanceService,
  ) {
    this.channel = `${redis.keyPrefix}ml-registry:changed`;
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => {
      const message = JSON.stringify({ from: this.instance.id, type: event.type, model: event.subject ?? '', data: event.data });
      void this.redis.commands.publish(this.channel, message).catch((error: Error) => this.logger.warn(`Announcing ${event.type} failed: ${error.message}`));
    }, ['ml.model.']);
  }

  /** Listeners get each change made by another instance, and null after a reconnect (anything may have changed). */
  onRemoteChange(listener: (change: RegistryChange | null) => void): () => void {
    if (!this.subscriber) this.subscribe();
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private subscribe(): void {
    let connected = false;
    this.subscriber = this.redis.createBlockingConnection();
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const change = parse(message);
      if (change && change.from !== this.instance.id) this.tell({ type: change.type, model: change.model, data: change.data });
    });
    this.subscriber.on('ready', () => {
      if (connected) this.tell(null);
      connected = true;
    });
    void this.subscriber.subscribe(this.channel).catch((error: Error) => this.logger.warn(`Subscribing to ${this.channel} failed: ${error.message}`));
  }

  private tell(change: RegistryChange | null): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error(`A listener of registry changes threw: ${(error as Error).message}`);
      }
    }
  }
}

function parse(message: string): (RegistryChange & { from: string }) | null {
  try {
    const value = JSON.parse(message) as { from?: unknown; type?: unknown; model?: unknown; data?: unknown };
    const data = typeof value.data === 'object' && value.data !== null && !Array.isArray(value.data) ? (value.data as Record<string, unknown>) : {};
    return typeof value.from === 'string' && typeof value.type === 'string' && typeof value.model === 'string' ? { from: value.from, type: value.type, model: value.model, data } : null;
  } catch {
    return null;
  }
}
