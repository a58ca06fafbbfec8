import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PYTHON_PACKAGE_DIR } from './adapter-paths';

export interface PythonReady {
  python: string;
  pid: number;
  modules: Record<string, boolean>;
}

/** The process ended (crash, kill, or it never started) with requests in flight. */
export class PythonProcessExitError extends Error {}

const STDERR_LINES = 20;

/**
 * A long-lived `python -m mcp_hub_adapter <command>` process: requests go out as JSON lines on stdin
 * with an id, answers come back on stdout with that id; a `{"type": "ready"}` line says it started.
 * stdin stays open; closing it ends the process.
 */
export class PythonJsonLinesProcess<Reply> {
  readonly ready: Promise<PythonReady>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderrTail: string[] }>;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private readonly stderrTail: string[] = [];
  private nextId = 1;
  private alive = true;
  private readonly child;

  /** `label` names the process in errors; `onIdle` is called whenever the last request sent has been answered. */
  constructor(bin: string, args: string[], label: string, options: { env?: Record<string, string>; onIdle?: () => void } = {}) {
    this.child = spawn(bin, ['-m', 'mcp_hub_adapter', ...args], {
      cwd: PYTHON_PACKAGE_DIR,
      env: { ...process.env, PYTHONPATH: PYTHON_PACKAGE_DIR, PYTHONUNBUFFERED: '1', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let spawnError: Error | undefined;
    this.child.on('error', (error) => (spawnError = error));
    this.child.stdin.on('error', () => undefined);
    let markReady!: (ready: PythonReady) => void;
    let failReady!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => ((markReady = resolve), (failReady = reject)));
    this.ready.catch(() => undefined);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let message: { id?: number; type?: string } & Record<string, unknown>;
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return;
      }
      if (message.type === 'ready') {
        markReady({ python: String(message.python), pid: Number(message.pid), modules: (message.modules ?? {}) as Record<string, boolean> });
        return;
      }
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id!);
      waiter.resolve(message as unknown as Reply);
      if (options.onIdle && this.pending.size === 0) queueMicrotask(options.onIdle);
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_LINES) this.stderrTail.shift();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.alive = false;
        const why = spawnError ? `could not start ${bin}: ${spawnError.message}` : `exited (${signal ?? `code ${code}`})${this.stderrTail.length ? `: ${this.stderrTail.slice(-3).join(' | ')}` : ''}`;
        failReady(new PythonProcessExitError(`The ${label} ${why}`));
        for (const waiter of this.pending.values()) waiter.reject(new PythonProcessExitError(`The ${label} ${why}`));
        this.pending.clear();
        resolve({ code, signal, stderrTail: [...this.stderrTail] });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  request(message: Record<string, unknown>): Promise<Reply> {
    if (!this.alive) return Promise.reject(new PythonProcessExitError('The Python process has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, ...message })}\n`);
    });
  }

  /** SIGKILL: for a process stuck on a request far past its deadline. */
  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  /** Closes stdin (the process exits when it has answered what it read), then SIGKILL after graceMs. */
  stop(graceMs: number): Promise<unknown> {
    if (this.alive) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      timer.unref();
      void this.exited.then(() => clearTimeout(timer));
    }
    return this.exited;
  }
}
