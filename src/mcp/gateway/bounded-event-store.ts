/** What every replay buffer may hold: per session, and all sessions together. */
export class ReplayBudget {
  private used = 0;

  constructor(
    readonly sessionMaxBytes: number,
    readonly totalMaxBytes: number,
  ) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Takes `bytes` from the shared total, or returns false when they do not fit. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.totalMaxBytes) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

interface StoredEvent {
  id: string;
  streamId: string;
  /** The serialized JSON-RPC message, as written to the stream. */
  data: string;
  bytes: number;
}

/** Roughly what an event costs beside its data: the record, its id and stream id strings. */
const EVENT_OVERHEAD_BYTES = 160;

/**
 * Keeps the latest SSE events of one session so a client that reconnects with Last-Event-ID gets what
 * it missed, within bytes: the session's own cap (the oldest events go first) and the budget all
 * sessions share (when others hold it, this session gives up its own oldest events, and an event that
 * still does not fit is sent but not kept). Events are kept serialized — what a replay writes — and
 * event ids are `<streamId>_<sequence>`.
 */
export class BoundedEventStore {
  private readonly events: StoredEvent[] = [];
  private bytes = 0;
  private sequence = 0;

  constructor(private readonly budget: ReplayBudget) {}

  get storedBytes(): number {
    return this.bytes;
  }

  /** The new event's id; the event is kept unless it exceeds the session cap or the shared budget. */
  store(streamId: string, data: string): string {
    const id = `${streamId}_${++this.sequence}`;
    const bytes = data.length + EVENT_OVERHEAD_BYTES;
    if (bytes > this.budget.sessionMaxBytes) return id;
    while (this.events.length > 0 && this.bytes + bytes > this.budget.sessionMaxBytes) this.evictOldest();
    while (!this.budget.take(bytes)) {
      if (this.events.length === 0) return id;
      this.evictOldest();
    }
    this.events.push({ id, streamId, data, bytes });
    this.bytes += bytes;
    return id;
  }

  streamIdOf(eventId: string): string | undefined {
    return this.find(eventId)?.streamId;
  }

  /** Sends the kept events of the same stream after `eventId`; returns that stream's id, or undefined when the event is not kept. */
  replayAfter(eventId: string, send: (eventId: string, data: string) => void): string | undefined {
    const index = this.indexOf(eventId);
    if (index < 0) return undefined;
    const { streamId } = this.events[index];
    for (let i = index + 1; i < this.events.length; i++) if (this.events[i].streamId === streamId) send(this.events[i].id, this.events[i].data);
    return streamId;
  }

  /** Forgets every event and gives their bytes back to the shared budget (the session closed). */
  clear(): void {
    this.budget.give(this.bytes);
    this.bytes = 0;
    this.events.length = 0;
  }

  private evictOldest(): void {
    const event = this.events.shift()!;
    this.bytes -= event.bytes;
    this.budget.give(event.bytes);
  }

  private indexOf(eventId: string): number {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i].id === eventId) return i;
    return -1;
  }

  private find(eventId: string): StoredEvent | undefined {
    const index = this.indexOf(eventId);
    return index < 0 ? undefined : this.events[index];
  }
}
