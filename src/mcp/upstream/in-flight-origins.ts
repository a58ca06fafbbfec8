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
  private readonly bySession = new Map<string, RequestId[]>();

  /** Records the request; the returned function forgets it. */
  add(origin: RequestOrigin): () => void {
    const ids = this.bySession.get(origin.sessionId) ?? [];
    ids.push(origin.requestId);
    this.bySession.set(origin.sessionId, ids);
    return () => {
      const left = this.bySession.get(origin.sessionId);
      if (!left) return;
      const at = left.indexOf(origin.requestId);
      if (at >= 0) left.splice(at, 1);
      if (left.length === 0) this.bySession.delete(origin.sessionId);
    };
  }

  /** The only session with requests in flight, with its oldest one; otherwise how many sessions wait (0, or 2 and more). */
  owner(): RequestOrigin | { sessions: number } {
    if (this.bySession.size !== 1) return { sessions: this.bySession.size };
    const [[sessionId, ids]] = this.bySession;
    return { sessionId, requestId: ids[0] };
  }

  /** The oldest request of this session in flight, if any. */
  oldestOf(sessionId: string): RequestId | undefined {
    return this.bySession.get(sessionId)?.[0];
  }
}
