import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/** The client session and request a hub request to an upstream is made for. */
export interface RequestOrigin {
  sessionId: string;
  requestId: RequestId;
}

/**
 * The client sessions whose requests to one upstream are in flight. Over a connection that all
 * sessions share (a stdio process), nothing on the wire says which client an upstream's own request
 * or log message is meant for; while only one session waits on the upstream, it is that session's.
 */
export class InFlightOrigins {
  /** Per session its requests in flight, oldest first (a Set keeps insertion order). */
  private readonly bySession = new Map<string, Set<RequestId>>();

  add(origin: RequestOrigin): void {
    const ids = this.bySession.get(origin.sessionId);
    if (ids) ids.add(origin.requestId);
    else this.bySession.set(origin.sessionId, new Set([origin.requestId]));
  }

  remove(origin: RequestOrigin): void {
    const ids = this.bySession.get(origin.sessionId);
    if (ids?.delete(origin.requestId) && ids.size === 0) this.bySession.delete(origin.sessionId);
  }

  /** The only session with requests in flight, with its oldest one; otherwise how many sessions wait (0, or 2 and more). */
  owner(): RequestOrigin | { sessions: number } {
    if (this.bySession.size !== 1) return { sessions: this.bySession.size };
    const [[sessionId, ids]] = this.bySession;
    return { sessionId, requestId: ids.values().next().value! };
  }

  /** The oldest request of this session in flight, if any. */
  oldestOf(sessionId: string): RequestId | undefined {
    return this.bySession.get(sessionId)?.values().next().value;
  }
}
