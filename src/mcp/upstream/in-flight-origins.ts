import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/** The client session and request a hub request to an upstream is made for. */
export interface RequestOrigin {
  sessionId: string;
  requestId: RequestId;
}

/**
 * The callers waiting on one upstream connection: client sessions with their requests, and callers
 * outside any session (REST, the hub itself). Over a connection that all share (a stdio process),
 * nothing on the wire says which client an upstream's own request or log message is meant for; while
 * only one session and nobody else waits on the upstream, it is that session's.
 */
export class InFlightOrigins {
  /** Per session its requests in flight, oldest first (a Set keeps insertion order). */
  private readonly bySession = new Map<string, Set<RequestId>>();
  /** Requests in flight for no client session. */
  private anonymous = 0;

  add(origin: RequestOrigin | undefined): void {
    if (!origin) {
      this.anonymous++;
      return;
    }
    const ids = this.bySession.get(origin.sessionId);
    if (ids) ids.add(origin.requestId);
    else this.bySession.set(origin.sessionId, new Set([origin.requestId]));
  }

  remove(origin: RequestOrigin | undefined): void {
    if (!origin) {
      this.anonymous = Math.max(0, this.anonymous - 1);
      return;
    }
    const ids = this.bySession.get(origin.sessionId);
    if (ids?.delete(origin.requestId) && ids.size === 0) this.bySession.delete(origin.sessionId);
  }

  /** The only caller waiting, when it is a client session, with its oldest request; otherwise how many callers wait (0, or 2 and more, or 1 that is no session). */
  owner(): RequestOrigin | { waiting: number } {
    if (this.bySession.size !== 1 || this.anonymous > 0) return { waiting: this.bySession.size + this.anonymous };
    const [[sessionId, ids]] = this.bySession;
    return { sessionId, requestId: ids.values().next().value! };
  }

  /** The oldest request of this session in flight, if any. */
  oldestOf(sessionId: string): RequestId | undefined {
    return this.bySession.get(sessionId)?.values().next().value;
  }
}
