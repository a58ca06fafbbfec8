import type { Notification, Progress } from '@modelcontextprotocol/sdk/types.js';

interface RequestContext {
  _meta?: { progressToken?: string | number };
  sendNotification: (notification: Notification & { method: 'notifications/progress' }) => Promise<void>;
}

/**
 * Passes upstream progress to the client under the client's own progress token. `flushed()` waits
 * until every notification is sent, so none arrives after (or is dropped with) the final result.
 */
export class ProgressRelay {
  private pending: Promise<void>[] = [];
  /** Undefined when the client asked for no progress. */
  readonly listener?: (progress: Progress) => void;

  constructor(context: RequestContext) {
    const token = context._meta?.progressToken;
    if (token === undefined) return;
    this.listener = (progress) => {
      this.pending.push(context.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken: token } }).catch(() => undefined));
    };
  }

  async flushed(): Promise<void> {
    await Promise.all(this.pending);
  }
}
