import { ChildProcess } from 'node:child_process';
import { ProcessIdentity, isSameProcessRunning, waitForProcessExit } from './process-identity';

/**
 * A server process the hub stops: one it spawned (`child`), or one another hub process started
 * (known by pid and start time only, and signalled only while both still match).
 */
export class ServerProcess {
  constructor(
    readonly identity: ProcessIdentity,
    /** SIGINT for PostgreSQL (fast shutdown), SIGTERM for Redis (saves, then exits). */
    private readonly stopSignal: NodeJS.Signals,
    private readonly child?: ChildProcess,
  ) {}

  get pid(): number {
    return this.identity.pid;
  }

  get running(): boolean {
    return this.child ? this.child.exitCode === null && this.child.signalCode === null : isSameProcessRunning(this.identity);
  }

  /** Asks the server to stop; after timeoutMs kills it. Rejects when even that did not end it. */
  async stop(timeoutMs: number): Promise<'stopped' | 'killed'> {
    if (!this.running) return 'stopped';
    this.signal(this.stopSignal);
    if (await this.waitForExit(timeoutMs)) return 'stopped';
    this.signal('SIGKILL');
    if (await this.waitForExit(5000)) return 'killed';
    throw new Error(`process ${this.pid} is still running after SIGKILL`);
  }

  /** Synchronous stop request, for process exit paths that cannot wait. */
  signalStop(): void {
    this.signal(this.stopSignal);
  }

  private signal(signal: NodeJS.Signals): void {
    // running: our own child, or the same pid and start time as recorded
    if (this.pid <= 1 || !this.running) return;
    try {
      process.kill(this.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  private waitForExit(timeoutMs: number): Promise<boolean> {
    const child = this.child;
    if (!child) return waitForProcessExit(this.identity, timeoutMs);
    if (!this.running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
