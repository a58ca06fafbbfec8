import { ChildProcess } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DependencyUnavailableError } from '../errors/app-error';
import { describeError } from '../errors/describe-error';
import { describeUrl } from '../dependency-hints';
import { freeLocalPort, portIsFree } from './local-ports';
import { currentProcess, isSameProcessRunning, processStartTime, sameIdentity } from './process-identity';
import { ServerProcess } from './server-process';
import { liveUsers, readServerState, readServerStateSync, writeServerState } from './server-state';
import { StartLock } from './start-lock';

export type EmbeddedKind = 'postgres' | 'redis';
export const EMBEDDED_LABELS: Record<EmbeddedKind, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

/** started: this process spawned it; adopted: hub processes that exited left it running; shared: other live hub processes use it too. */
export type EmbeddedRole = 'started' | 'adopted' | 'shared';

/** What differs between PostgreSQL and Redis; startOrShareServer does the rest. */
export interface EmbeddedServerSpec {
  readonly kind: EmbeddedKind;
  /** Absolute; `<dataDir>.json`, `.lock` and `.log` sit beside it. */
  readonly dataDir: string;
  readonly stopSignal: NodeJS.Signals;
  /** What to do when the server cannot be started. */
  readonly hint: string;
  /** The password of an initialised data directory, if it is one. */
  password(): Promise<string | undefined>;
  /** Throws when a server the hub did not start holds the data directory. */
  assertDataDirFree(): Promise<void>;
  /** Creates (first start: initialises) the data directory; returns the password clients use and whether it was new. */
  prepare(log: (line: string) => void): Promise<{ password: string; initialised: boolean }>;
  launch(port: number, password: string, logFd: number): Promise<ChildProcess>;
  /** The URL the hub's clients use. */
  url(port: number, password: string): string;
  /** One connection attempt; resolves the server's version, rejects while it does not answer. */
  probe(url: string): Promise<string>;
}

/** A PostgreSQL or Redis server run from a data directory under EMBEDDED_DATA_DIR, used by one or more hub processes. */
export class EmbeddedServer {
  private left = false;
  /** After stop(): the other hub processes it was left running for. */
  remainingUsers: number[] = [];

  constructor(
    readonly kind: EmbeddedKind,
    readonly url: string,
    readonly version: string,
    readonly dataDir: string,
    readonly role: EmbeddedRole,
    /** True when this start ran initdb / created the directory. */
    readonly initialised: boolean,
    /** Other hub processes using it when this one joined. */
    readonly sharedWith: number,
    private readonly server: ServerProcess,
    private readonly stateFile: string,
    private readonly lockFile: string,
  ) {}

  get pid(): number {
    return this.server.pid;
  }

  /** "embedded PostgreSQL 18.4 at 127.0.0.1:40123, data /srv/hub/var/postgres, pid 4242 (started, initialised)". */
  describe(): string {
    const others = `${this.sharedWith} other hub process${this.sharedWith === 1 ? '' : 'es'}`;
    const how =
      this.role === 'shared'
        ? `shared with ${others}; the last one to exit stops it`
        : this.role === 'adopted'
          ? 'adopted: left running by a hub process that exited'
          : this.initialised
            ? 'started, data directory initialised'
            : 'started';
    return `embedded ${EMBEDDED_LABELS[this.kind]} ${this.version} at ${describeUrl(this.url).replace(/\/.*$/, '')}, data ${this.dataDir}, pid ${this.pid} (${how})`;
  }

  /**
   * Leaves the server: stops it when no other live hub process uses it, else leaves it running for
   * them (it runs in a session of its own and outlives the process that spawned it).
   */
  async stop(timeoutMs: number): Promise<'stopped' | 'killed' | 'left running'> {
    if (this.left) return this.server.running ? 'left running' : 'stopped';
    const lock = await StartLock.acquire(this.lockFile, timeoutMs);
    try {
      const me = currentProcess();
      const state = await readServerState(this.stateFile);
      const others = liveUsers(state, me);
      this.left = true;
      // others still use it, or the state file names another server (ours is gone then)
      if (others.length > 0 || !sameIdentity(state.server, this.server.identity)) {
        await writeServerState(this.stateFile, { ...state, users: others });
        this.remainingUsers = others.map((user) => user.pid);
        return 'left running';
      }
      const outcome = await this.server.stop(timeoutMs);
      await writeServerState(this.stateFile, { port: state.port });
      return outcome;
    } finally {
      await lock.release();
    }
  }

  /**
   * On a process exit that skipped the ordered shutdown: asks the server to stop (it finishes on its
   * own) when the state file names no other live user. Without the lock (nothing can wait here):
   * a process joining in this instant may lose the server, and retries its start.
   */
  signalStop(): void {
    if (this.left) return;
    const state = readServerStateSync(this.stateFile);
    if (sameIdentity(state.server, this.server.identity) && liveUsers(state, currentProcess()).length === 0) this.server.signalStop();
  }
}

const STATE_SUFFIX = '.json';

/**
 * Joins the server a hub process already runs on `spec.dataDir`, or starts one: on the port it used
 * last when that is free, else on a free one. Only one process at a time gets this far per directory
 * (StartLock), so two hubs starting together share one server instead of corrupting its data. Every
 * process using it is listed in the state file; the last to leave stops it.
 */
export async function startOrShareServer(spec: EmbeddedServerSpec, timeoutMs: number, log: (line: string) => void): Promise<EmbeddedServer> {
  const label = EMBEDDED_LABELS[spec.kind];
  const fail = (message: string) => new DependencyUnavailableError(spec.kind, message, spec.hint);
  const stateFile = `${spec.dataDir}${STATE_SUFFIX}`;
  const lockFile = `${spec.dataDir}.lock`;
  const logFile = `${spec.dataDir}.log`;
  const me = currentProcess();
  await mkdir(dirname(spec.dataDir), { recursive: true });
  const lock = await StartLock.acquire(lockFile, timeoutMs).catch((error: Error) => {
    throw fail(`embedded ${label}: ${error.message}`);
  });
  try {
    const state = await readServerState(stateFile);
    const password = await spec.password();
    if (state.server && state.port && password && isSameProcessRunning(state.server)) {
      const url = spec.url(state.port, password);
      const version = await spec.probe(url).catch(() => undefined);
      if (version) {
        const others = liveUsers(state, me);
        await writeServerState(stateFile, { port: state.port, server: state.server, users: [...others, me] });
        const role = others.length > 0 ? 'shared' : 'adopted';
        return new EmbeddedServer(spec.kind, url, version, spec.dataDir, role, false, others.length, new ServerProcess(state.server, spec.stopSignal), stateFile, lockFile);
      }
    }
    await spec.assertDataDirFree();
    const prepared = await spec.prepare(log).catch((error: Error) => {
      throw error instanceof DependencyUnavailableError ? error : fail(`embedded ${label} could not prepare ${spec.dataDir}: ${error.message}`);
    });
    const port = state.port && (await portIsFree(state.port)) ? state.port : await freeLocalPort();
    const logHandle = await open(logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = await spec.launch(port, prepared.password, logHandle.fd);
    } finally {
      await logHandle.close();
    }
    if (child.pid === undefined) throw fail(`embedded ${label} did not start (spawn failed)`);
    const start = processStartTime(child.pid);
    const server = new ServerProcess(start === undefined ? { pid: child.pid } : { pid: child.pid, start }, spec.stopSignal, child);
    const url = spec.url(port, prepared.password);
    let version: string;
    try {
      version = await waitUntilAnswering(spec, url, child, timeoutMs);
    } catch (error) {
      await server.stop(5000).catch(() => undefined);
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-8).join('\n');
      throw fail(`embedded ${label} did not start: ${describeError(error)}${tail ? `\nLast lines of ${logFile}:\n${tail}` : ''}`);
    }
    await writeServerState(stateFile, { port, server: server.identity, users: [me] });
    return new EmbeddedServer(spec.kind, url, version, spec.dataDir, 'started', prepared.initialised, 0, server, stateFile, lockFile);
  } finally {
    await lock.release();
  }
}

async function waitUntilAnswering(spec: EmbeddedServerSpec, url: string, child: ChildProcess, timeoutMs: number): Promise<string> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `the server process exited (${signal ?? `code ${code}`})`));
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (exited) throw new Error(exited);
    try {
      return await spec.probe(url);
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms (${describeError(lastError)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
