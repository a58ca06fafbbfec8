/** Shutdown phases, run strictly in this order (DESIGN.md §4). */
export const SHUTDOWN_PHASES = ['ingress', 'producers', 'workers', 'flush', 'connections', 'database'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

export interface ShutdownParticipant {
  phase: ShutdownPhase;
  /** Shown in the log, e.g. "http-server" or "postgres-pool". */
  name: string;
  close(): Promise<void> | void;
  /**
   * Closes after the phase's other participants have finished (or the phase timed out), with a timeout
   * of its own: a server process the hub started stops only once the clients of it are closed.
   */
  last?: boolean;
}

export type PhaseOutcome = 'ok' | 'failed' | 'timeout';

export interface PhaseReport {
  phase: ShutdownPhase;
  outcome: PhaseOutcome;
  durationMs: number;
  participants: string[];
  /** Participants that threw, or were still running when the phase timed out. */
  failures: { name: string; error: string }[];
}

export interface ShutdownReport {
  reason: string;
  ok: boolean;
  phases: PhaseReport[];
}
