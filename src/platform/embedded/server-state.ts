import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { ProcessIdentity, isSameProcessRunning, parseIdentity, sameIdentity } from './process-identity';

/**
 * `<dir>.json` beside a service's data directory: the port it last used (tried first on the next start)
 * and, while it runs, the server process and the hub processes using it (`users`); the last user to
 * leave stops it. Changed only under the StartLock.
 */
export interface ServerState {
  port?: number;
  server?: ProcessIdentity;
  users?: ProcessIdentity[];
}

function parseState(text: string): ServerState {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const port = typeof parsed.port === 'number' ? parsed.port : undefined;
    // {port, pid, owner}: written by an earlier version of the hub, without start times
    const server = parseIdentity(parsed.server) ?? parseIdentity({ pid: parsed.pid });
    const users = Array.isArray(parsed.users) ? parsed.users.map(parseIdentity) : [parseIdentity({ pid: parsed.owner })];
    return { port, server, users: users.filter((u): u is ProcessIdentity => u !== undefined) };
  } catch {
    return {};
  }
}

export async function readServerState(file: string): Promise<ServerState> {
  return parseState(await readFile(file, 'utf8').catch(() => ''));
}

export function readServerStateSync(file: string): ServerState {
  try {
    return parseState(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

/** Written aside and renamed into place: a reader without the lock (diagnose) never sees half a file. */
export async function writeServerState(file: string, state: ServerState): Promise<void> {
  const aside = `${file}.${process.pid}.tmp`;
  await writeFile(aside, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(aside, file);
}

/** The users in `state` that still run, `except` left out. */
export function liveUsers(state: ServerState, except?: ProcessIdentity): ProcessIdentity[] {
  return (state.users ?? []).filter((user) => !sameIdentity(user, except) && isSameProcessRunning(user));
}
