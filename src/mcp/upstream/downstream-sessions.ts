import type { Notification, RequestId, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { DownstreamClient } from './session-clients';

/** Which client session an upstream notification belongs to, as far as the hub can tell. */
export interface NotificationRoute {
  /** The session it belongs to: the one whose upstream session sent it, or the only one waiting on a shared connection. */
  sessionId?: string;
  /** The request of that session it is related to, when one is in flight. */
  requestId?: RequestId;
  /** True when it came on the session's own upstream session (isolation per-session), so it is that session's and nobody else's. */
  own: boolean;
}

/** The client sessions, as the upstream side needs them: who a client is, asking it, telling it. McpSessions implements it. */
export interface DownstreamSessions {
  clientOf(sessionId: string): DownstreamClient | undefined;
  /** Asks the session's client (sampling, elicitation, roots), related to one of its requests when given. */
  ask(sessionId: string, relatedRequestId: RequestId | undefined, request: ServerRequest, signal: AbortSignal): Promise<Record<string, unknown>>;
  deliver(server: string, notification: Notification, route: NotificationRoute): void;
}
