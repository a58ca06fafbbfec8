export const SERVER_STATES = ['disabled', 'waiting', 'connecting', 'connected', 'degraded', 'backoff', 'failed', 'stopped', 'unauthorized'] as const;
export type ServerState = (typeof SERVER_STATES)[number];

export interface ConnectAttempt {
  attempt: number;
  startedAt: string;
  error?: string;
  /** Wait before the next attempt, when there is one. */
  nextDelayMs?: number;
}

/** What the hub knows about one upstream right now. */
export interface ServerStatus {
  name: string;
  state: ServerState;
  reason: string;
  since: string;
  lastError?: string;
  attempts: ConnectAttempt[];
  pid?: number;
  transport?: 'stdio' | 'streamable-http' | 'sse';
  serverInfo?: { name: string; version: string };
  consecutivePingFailures: number;
}

/** Seconds until a request to a server in this state may succeed: the next attempt, a moment, or a while for one an operator must start. */
export function retryAfterSeconds(status: ServerStatus, now = Date.now()): number {
  switch (status.state) {
    case 'backoff': {
      const delay = status.attempts.at(-1)?.nextDelayMs ?? 1000;
      return Math.max(1, Math.ceil((Date.parse(status.since) + delay - now) / 1000));
    }
    case 'connecting':
    case 'waiting':
      return 2;
    default:
      return 30;
  }
}
