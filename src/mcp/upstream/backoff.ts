import { RetryPolicy } from '../servers-config/server-definition';

/** The ceiling for the wait after failed attempt `attempt` (1-based): initial × multiplier^(attempt-1), capped. */
export function backoffCeiling(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
}

/** "Full jitter": a uniformly random wait between 0 and the ceiling, so reconnecting servers spread out. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.round(random() * backoffCeiling(policy, attempt));
}
