import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../platform/events/event-bus';

/**
 * How many clients are connected right now: open MCP sessions (every transport, from the bus's
 * `mcp.session` events) and open `/api/events` streams; and since when none has been.
 */
@Injectable()
export class ClientPresence implements OnModuleInit, OnModuleDestroy {
  private readonly openSessions = new Set<string>();
  private openStreams = 0;
  private emptySince = Date.now();
  private connectedOnce = false;
  private unsubscribe?: () => void;

  constructor(private readonly bus: EventBus) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => {
      const session = event.data.session as string;
      if (event.data.change === 'opened') {
        this.openSessions.add(session);
        this.connectedOnce = true;
      }
      else if (event.data.change === 'closed' && this.openSessions.delete(session)) this.touch();
    }, ['mcp.session']);
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** An event stream opened; call the returned function when it closes. */
  streamOpened(): () => void {
    this.openStreams++;
    this.connectedOnce = true;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.openStreams--;
      this.touch();
    };
  }

  /** Open MCP sessions. */
  get sessions(): number {
    return this.openSessions.size;
  }

  /** Open /api/events streams. */
  get streams(): number {
    return this.openStreams;
  }

  /** Whether any client has connected since the hub started. */
  get hadClient(): boolean {
    return this.connectedOnce;
  }

  /** The hub is up from now: time without clients counts from here. */
  restartIdleClock(): void {
    if (this.count === 0) this.emptySince = Date.now();
  }

  get count(): number {
    return this.openSessions.size + this.openStreams;
  }

  /** Milliseconds without any client, 0 while one is connected. */
  idleMs(now = Date.now()): number {
    return this.count > 0 ? 0 : now - this.emptySince;
  }

  private touch(): void {
    if (this.count === 0) this.emptySince = Date.now();
  }
}
