import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { HubEvent } from './hub-event';

type Listener = (event: HubEvent) => void;

/**
 * The in-process event bus. Features publish; telemetry and the SSE stream subscribe. A listener
 * that throws is logged and never breaks the publisher.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger('EventBus');
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish<T extends Record<string, unknown>>(type: string, data: T, subject?: string): HubEvent<T> {
    const event: HubEvent<T> = { type, subject, time: new Date().toISOString(), data };
    for (const listener of this.emitter.listeners('event') as Listener[]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`A listener of ${type} threw: ${(error as Error).message}`);
      }
    }
    return event;
  }

  /** Every event whose type starts with one of the prefixes (all events when none given); returns unsubscribe. */
  subscribe(listener: Listener, prefixes: string[] = []): () => void {
    const filtered: Listener = prefixes.length === 0 ? listener : (event) => prefixes.some((p) => event.type.startsWith(p)) && listener(event);
    this.emitter.on('event', filtered);
    return () => this.emitter.off('event', filtered);
  }
}
