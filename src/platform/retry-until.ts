export interface RetryUntilOptions {
  timeoutMs: number;
  intervalMs?: number;
  retryIf?: (error: unknown) => boolean;
  onRetry?: (error: Error, attempt: number) => void;
}

/** Calls `attempt` until it resolves or the deadline passes; rejects with the last error. */
export async function retryUntil<T>(attempt: () => Promise<T>, options: RetryUntilOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 500;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = options.retryIf?.(error) ?? true;
      if (!retryable || Date.now() + interval >= deadline) throw error;
      options.onRetry?.(error as Error, tries);
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
