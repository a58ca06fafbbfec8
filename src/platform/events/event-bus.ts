import { Injectable, Logger } from '@nestjs/common';
import { HubEvent } from './hub-event';
import { isoTime } from './iso-time';

type Listener = (event: HubEvent) => void;

interface Subscription {
  listener: Listener;
  /** Whether it also hears events that happened in another hub process (`origin` set). */
  remote: boolean;
  prefixes: string[];
}

/** Event types whose listeners are remembered: types are named in code, and the bound keeps made-up ones from growing the map. */
const MAX_REMEMBERED_TYPES = 1000;

/**
 * The in-process event bus. Features publish; telemetry and the SSE stream subscribe. Delivery is
 * deferred to the end of the current event-loop turn (setImmediate), in publish order, to the
 * listeners subscribed when the event was published: a request's response goes out before its events
 * are serialised, counted and queued for Redis. A listener that throws is logged and never breaks
 * the publisher. Events from other replicas (`receive`, with `origin` set) reach only the listeners
 * that asked for them: what is stored, counted or acted on stays with the process it happened in.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger('EventBus');
  private listeners: Subscription[] = [];
  /** The subscriptions each event type reaches, found once per type rather than per event; cleared when they change. */
  private byType = new Map<string, Subscription[]>();
  private readonly interestListeners: (() => void)[] = [];
  private pending: { event: HubEvent; listeners: Subscription[] }[] = [];

  publish<T extends Record<string, unknown>>(type: string, data: T, subject?: string): HubEvent<T> {
    const event: HubEvent<T> = { type, subject, time: isoTime(), data };
    this.enqueue(event);
    return event;
  }

  /** An event another hub process published, for the listeners subscribed with `remote`. */
  receive(event: HubEvent): void {
    this.enqueue(event);
  }

  /**
   * Every event whose type starts with one of the prefixes (all events when none given), with
   * `remote` also those of other replicas; returns unsubscribe.
   */
  subscribe(listener: Listener, prefixes: string[] = [], { remote = false } = {}): () => void {
    const subscription = { listener, remote, prefixes };
    // copy on write: events already published keep the listeners they were published to
    this.listeners = [...this.listeners, subscription];
    this.byType = new Map();
    if (remote) this.interestListeners.forEach((listener) => listener());
    return () => {
      this.listeners = this.listeners.filter((l) => l !== subscription);
      this.byType = new Map();
      if (remote) this.interestListeners.forEach((listener) => listener());
    };
  }

  /** The type prefixes this process's listeners want from other processes ('' for every type), sorted and unique. */
  remoteInterest(): string[] {
    const prefixes = new Set(this.listeners.filter((l) => l.remote).flatMap((l) => (l.prefixes.length === 0 ? [''] : l.prefixes)));
    return prefixes.has('') ? [''] : [...prefixes].sort();
  }

  /** Called when a listener for other processes' events comes or goes. */
  onRemoteInterestChange(listener: () => void): void {
    this.interestListeners.push(listener);
  }

  /** Resolves once every event published so far has reached its listeners. */
  delivered(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  private enqueue(event: HubEvent): void {
    const listeners = this.listenersOf(event.type);
    if (listeners.length === 0) return;
    if (this.pending.length === 0) setImmediate(this.deliver);
    this.pending.push({ event, listeners });
  }

  private listenersOf(type: string): Subscription[] {
    let listeners = this.byType.get(type);
    if (listeners === undefined) {
      listeners = this.listeners.filter(({ prefixes }) => prefixes.length === 0 || prefixes.some((prefix) => type.startsWith(prefix)));
      if (this.byType.size < MAX_REMEMBERED_TYPES) this.byType.set(type, listeners);
    }
    return listeners;
  }

  private readonly deliver = (): void => {
    const batch = this.pending;
    this.pending = [];
    for (const { event, listeners } of batch) {
      for (const { listener, remote } of listeners) {
        if (event.origin !== undefined && !remote) continue;
        try {
          listener(event);
        } catch (error) {
          this.logger.error(`A listener of ${event.type} threw: ${(error as Error).message}`);
        }
      }
    }
  };
}
