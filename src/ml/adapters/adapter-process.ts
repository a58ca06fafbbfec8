import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AdapterName } from './adapter-catalog';
import { AdapterEvent, AdapterSpec } from './adapter-protocol';
import { NODE_ADAPTER_ENTRY, PYTHON_PACKAGE_DIR } from './adapter-paths';

export interface AdapterExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines the adapter wrote to stderr, for the error message. */
  stderrTail: string[];
  /** Set when spawning failed (missing interpreter). */
  spawnError?: Error;
}

export interface AdapterProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<AdapterExit>;
  /** SIGTERM, then SIGKILL after graceMs if it is still running. */
  kill(graceMs?: number): void;
}

const STDERR_LINES = 20;

/**
 * Runs one adapter child process: writes the spec line, keeps stdin open (the adapter exits on EOF,
 * so it never outlives the worker), and hands every stdout event line to onEvent.
 */
export function startAdapter(adapter: AdapterName, spec: AdapterSpec, pythonBin: string, onEvent: (event: AdapterEvent) => void): AdapterProcess {
  const [command, args, cwd] =
    adapter === 'node' ? [process.execPath, [NODE_ADAPTER_ENTRY], process.cwd()] : [pythonBin, ['-m', 'mcp_hub_adapter'], PYTHON_PACKAGE_DIR];
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, PYTHONPATH: PYTHON_PACKAGE_DIR, PYTHONUNBUFFERED: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrTail: string[] = [];
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  child.stdin.on('error', () => undefined);
  child.stdin.write(`${JSON.stringify(spec)}\n`);
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.trim()) return;
    let event: AdapterEvent;
    try {
      event = JSON.parse(line) as AdapterEvent;
    } catch {
      event = { type: 'log', level: 'info', message: line };
    }
    onEvent(event);
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_LINES) stderrTail.shift();
  });
  const exited = new Promise<AdapterExit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderrTail, ...(spawnError ? { spawnError } : {}) }));
  });
  let killTimer: NodeJS.Timeout | undefined;
  void exited.then(() => clearTimeout(killTimer));
  return {
    pid: child.pid,
    exited,
    kill(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      killTimer.unref();
    },
  };
}
