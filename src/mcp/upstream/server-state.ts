export const SERVER_STATES = ['disabled', 'waiting', 'connecting', 'connected', 'degraded', 'backoff', 'failed', 'stopped'] as const;
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
