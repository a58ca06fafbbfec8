/** A consumer that has not completed a read for this long is reported down (a read blocks for 1 s at most). */
export const CONSUMER_STALE_MS = 30_000;
/** A failure the next try fixes (a batch meeting a partition being attached at boot) is no outage. */
export const FAILURE_GRACE_MS = 2_000;

interface Failure {
  message: string;
  since: number;
}

export interface ConsumerHealthReport {
  healthy: boolean;
  reason?: string;
  /** Milliseconds since the last read of the stream that succeeded (null before the first). */
  lastReadAgeMs: number | null;
  /** The error of the failing read or write, while it fails. */
  lastError?: string;
}

/**
 * What one telemetry consumer knows about itself: when it last read the stream, and whether its
 * reads or writes fail right now. A read that answers (even with nothing) clears the read failure; a
 * stored batch clears the write failure.
 */
export class ConsumerHealth {
  private readonly createdAt: number;
  private startedAt?: number;
  private lastReadAt?: number;
  private readFailure?: Failure;
  private writeFailure?: Failure;

  constructor(
    private readonly staleMs = CONSUMER_STALE_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.createdAt = now();
  }

  started(): void {
    this.startedAt = this.now();
  }

  readSucceeded(): void {
    this.lastReadAt = this.now();
    this.readFailure = undefined;
  }

  /** Returns true for the first failure after a success (the one worth logging in full). */
  readFailed(error: string): boolean {
    if (this.readFailure) {
      this.readFailure.message = error;
      return false;
    }
    this.readFailure = { message: error, since: this.now() };
    return true;
  }

  /** Milliseconds reads have been failing, or undefined when the last one succeeded. */
  readFailingForMs(): number | undefined {
    return this.readFailure ? this.now() - this.readFailure.since : undefined;
  }

  /** Milliseconds writes have been failing, or undefined when the last one succeeded. */
  writeFailingForMs(): number | undefined {
    return this.writeFailure ? this.now() - this.writeFailure.since : undefined;
  }

  writeSucceeded(): void {
    this.writeFailure = undefined;
  }

  writeFailed(error: string): void {
    if (this.writeFailure) this.writeFailure.message = error;
    else this.writeFailure = { message: error, since: this.now() };
  }

  report(): ConsumerHealthReport {
    const now = this.now();
    const lastReadAgeMs = this.lastReadAt === undefined ? null : now - this.lastReadAt;
    const failure = this.readFailure ?? this.writeFailure;
    const base = { lastReadAgeMs, ...(failure ? { lastError: failure.message } : {}) };
    // a hub that has just booted is starting, not broken: probes see it up until it is late
    if (this.startedAt === undefined) {
      const waited = now - this.createdAt;
      return waited > this.staleMs ? { healthy: false, reason: `the telemetry consumer has not started after ${waited} ms`, ...base } : { healthy: true, ...base };
    }
    const failingFor = (failure?: Failure) => (failure && now - failure.since >= FAILURE_GRACE_MS ? now - failure.since : undefined);
    const readFailingFor = failingFor(this.readFailure);
    if (readFailingFor !== undefined) return { healthy: false, reason: `the telemetry consumer cannot read the stream for ${readFailingFor} ms: ${this.readFailure!.message}`, ...base };
    const writeFailingFor = failingFor(this.writeFailure);
    if (writeFailingFor !== undefined) return { healthy: false, reason: `the telemetry consumer cannot store events for ${writeFailingFor} ms: ${this.writeFailure!.message}`, ...base };
    const idle = now - (this.lastReadAt ?? this.startedAt);
    if (idle > this.staleMs) return { healthy: false, reason: `the telemetry consumer has not read the stream for ${idle} ms`, ...base };
    return { healthy: true, ...base };
  }
}
