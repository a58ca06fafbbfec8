import { Injectable, Logger } from '@nestjs/common';
import { HubEvent } from './hub-event';

type Listener = (event: HubEvent) => void;

/**
 * The in-process event bus. Features publish; telemetry and the SSE stream subscribe. Delivery is
 * deferred to the end of the current event-loop turn (setImmediate), in publish order, to the
 * listeners subscribed when the event was published: a request's response goes out before its events
 * are serialised, counted and queued for Redis. A listener that throws is logged and never breaks
 * the publisher.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger('EventBus');
  private listeners: Listener[] = [];
  private pending: { event: HubEvent; listeners: Listener[] }[] = [];

  publish<T extends Record<string, unknown>>(type: string, data: T, subject?: string): HubEvent<T> {
    const event: HubEvent<T> = { type, subject, time: new Date().toISOString(), data };
    if (this.listeners.length === 0) return event;
    if (this.pending.length === 0) setImmediate(this.deliver);
    this.pending.push({ event, listeners: this.listeners });
    return event;
  }

  /** Every event whose type starts with one of the prefixes (all events when none given); returns unsubscribe. */
  subscribe(listener: Listener, prefixes: string[] = []): () => void {
    const filtered: Listener = prefixes.length === 0 ? listener : (event) => prefixes.some((p) => event.type.startsWith(p)) && listener(event);
    // copy on write: events already published keep the listeners they were published to
    this.listeners = [...this.listeners, filtered];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== filtered);
    };
  }

  /** Resolves once every event published so far has reached its listeners. */
  delivered(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  private readonly deliver = (): void => {
    const batch = this.pending;
    this.pending = [];
    for (const { event, listeners } of batch) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          this.logger.error(`A listener of ${event.type} threw: ${(error as Error).message}`);
        }
      }
    }
  };
}
