import { ChildProcess } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DependencyUnavailableError } from '../errors/app-error';
import { describeError } from '../errors/describe-error';
import { describeUrl } from '../dependency-hints';
import { freeLocalPort, portIsFree } from './local-ports';
import { isProcessAlive } from './process-alive';
import { ServerProcess } from './server-process';
import { StartLock, readServerState, writeServerState } from './server-state';

export type EmbeddedKind = 'postgres' | 'redis';
export const EMBEDDED_LABELS: Record<EmbeddedKind, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

/** started: this process spawned it; adopted: a hub process that died left it running; shared: another live hub process owns it. */
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

/** A PostgreSQL or Redis server run from a data directory under EMBEDDED_DATA_DIR. */
export class EmbeddedServer {
  private stopped = false;

  constructor(
    readonly kind: EmbeddedKind,
    readonly url: string,
    readonly version: string,
    readonly dataDir: string,
    readonly role: EmbeddedRole,
    /** True when this start ran initdb / created the directory. */
    readonly initialised: boolean,
    private readonly server: ServerProcess,
    private readonly stateFile: string,
  ) {}

  get pid(): number {
    return this.server.pid;
  }

  /** Whether this process stops it on shutdown (not when another live hub process does). */
  get owned(): boolean {
    return this.role !== 'shared';
  }

  /** "embedded PostgreSQL 18.4 at 127.0.0.1:40123, data /srv/hub/var/postgres, pid 4242 (started, initialised)". */
  describe(): string {
    const how = this.role === 'shared' ? 'shared: started by another hub process, which stops it' : this.role === 'adopted' ? 'adopted: left running by a hub process that exited' : this.initialised ? 'started, data directory initialised' : 'started';
    return `embedded ${EMBEDDED_LABELS[this.kind]} ${this.version} at ${describeUrl(this.url).replace(/\/.*$/, '')}, data ${this.dataDir}, pid ${this.pid} (${how})`;
  }

  /** Stops the server when this process owns it; a shared one is left to its owner. */
  async stop(timeoutMs: number): Promise<'stopped' | 'killed' | 'left running'> {
    if (!this.owned) return 'left running';
    if (this.stopped) return 'stopped';
    const outcome = await this.server.stop(timeoutMs);
    this.stopped = true;
    const state = await readServerState(this.stateFile);
    if (state.pid === this.pid) await writeServerState(this.stateFile, { port: state.port });
    return outcome;
  }

  /** On a process exit that skipped the ordered shutdown: ask the owned server to stop (it finishes on its own). */
  signalStop(): void {
    if (this.owned && !this.stopped) this.server.signalStop();
  }
}

const STATE_SUFFIX = '.json';

/**
 * Reuses the server a hub process already runs on `spec.dataDir`, or starts one: on the port it used
 * last when that is free, else on a free one. Only one process at a time gets this far per directory
 * (StartLock), so two hubs starting together share one server instead of corrupting its data.
 */
export async function startOrShareServer(spec: EmbeddedServerSpec, timeoutMs: number, log: (line: string) => void): Promise<EmbeddedServer> {
  const label = EMBEDDED_LABELS[spec.kind];
  const fail = (message: string) => new DependencyUnavailableError(spec.kind, message, spec.hint);
  const stateFile = `${spec.dataDir}${STATE_SUFFIX}`;
  const logFile = `${spec.dataDir}.log`;
  await mkdir(dirname(spec.dataDir), { recursive: true });
  const lock = await StartLock.acquire(`${spec.dataDir}.lock`, timeoutMs).catch((error: Error) => {
    throw fail(`embedded ${label}: ${error.message}`);
  });
  try {
    const state = await readServerState(stateFile);
    const password = await spec.password();
    if (state.pid && state.port && password && isProcessAlive(state.pid)) {
      const url = spec.url(state.port, password);
      const version = await spec.probe(url).catch(() => undefined);
      if (version) {
        const sharedWith = state.owner !== undefined && state.owner !== process.pid && isProcessAlive(state.owner);
        if (!sharedWith) await writeServerState(stateFile, { ...state, owner: process.pid });
        return new EmbeddedServer(spec.kind, url, version, spec.dataDir, sharedWith ? 'shared' : 'adopted', false, new ServerProcess(state.pid, spec.stopSignal), stateFile);
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
    const server = new ServerProcess(child.pid, spec.stopSignal, child);
    const url = spec.url(port, prepared.password);
    let version: string;
    try {
      version = await waitUntilAnswering(spec, url, child, timeoutMs);
    } catch (error) {
      await server.stop(5000).catch(() => undefined);
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-8).join('\n');
      throw fail(`embedded ${label} did not start: ${describeError(error)}${tail ? `\nLast lines of ${logFile}:\n${tail}` : ''}`);
    }
    await writeServerState(stateFile, { port, pid: child.pid, owner: process.pid });
    return new EmbeddedServer(spec.kind, url, version, spec.dataDir, 'started', prepared.initialised, server, stateFile);
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
