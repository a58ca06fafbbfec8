import { readFileSync } from 'node:fs';

/**
 * A process named by pid and start time: a pid alone may belong to another process by the time it is
 * read back (pids are reused, and a container restarted from the same image hands out the same ones).
 */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); absent where /proc is not available. */
  start?: string;
}

const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** State and start time of a running process from /proc; undefined when it is gone (or /proc is absent). */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces or parentheses itself
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: fields[19] };
  } catch {
    return undefined;
  }
}

export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.start;
}

export function currentProcess(): ProcessIdentity {
  const start = processStartTime(process.pid);
  return start === undefined ? { pid: process.pid } : { pid: process.pid, start };
}

const validPid = (pid: unknown): pid is number => typeof pid === 'number' && Number.isInteger(pid) && pid > 1;

function existsBySignal(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a process with this pid runs (a zombie, which no longer runs, does not count). */
export function isProcessAlive(pid: number): boolean {
  if (!validPid(pid)) return false;
  if (!HAS_PROC) return existsBySignal(pid);
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Whether the process named still runs: same pid and, where both are known, the same start time. */
export function isSameProcessRunning(identity: ProcessIdentity | undefined): boolean {
  if (!identity || !validPid(identity.pid) || !isProcessAlive(identity.pid)) return false;
  if (identity.start === undefined || !HAS_PROC) return true;
  return processStartTime(identity.pid) === identity.start;
}

export function sameIdentity(a: ProcessIdentity | undefined, b: ProcessIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.pid === b.pid && (a.start ?? '') === (b.start ?? '');
}

/** A ProcessIdentity read from JSON, or undefined when the value is not one. */
export function parseIdentity(value: unknown): ProcessIdentity | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, start } = value as { pid?: unknown; start?: unknown };
  if (!validPid(pid)) return undefined;
  return typeof start === 'string' ? { pid, start } : { pid };
}

/** The command name of a running process (/proc/<pid>/comm), undefined where it cannot be read. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Resolves true once the process is gone, false when it is still there after timeoutMs. */
export async function waitForProcessExit(identity: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isSameProcessRunning(identity)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
