import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { RequestOrigin } from '../upstream/in-flight-origins';

/** What every request handler knows of the request it serves (the SDK's `extra`, or a tools/call context). */
export interface RequestContext {
  sessionId?: string;
  requestId: RequestId;
}

/** The client session and request an upstream request is made for; none outside a session. */
export function originOf(context: RequestContext): RequestOrigin | undefined {
  return context.sessionId === undefined ? undefined : { sessionId: context.sessionId, requestId: context.requestId };
}
