import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './free-port';

export const ROOT = join(__dirname, '..', '..');

export interface LogLine {
  level: number;
  msg: string;
  context?: string;
  [key: string]: unknown;
}

/** A built entry point (dist/...) running as a child process, with its output collected. */
export class NodeProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(script: string, env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, [join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collectLines(this.child.stdout!, this.stdout);
    collectLines(this.child.stderr!, this.stderr);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return [...this.stdout, ...this.stderr].join('\n');
  }

  /** stdout lines that are JSON log records. */
  get logs(): LogLine[] {
    return this.stdout.flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 30000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`log line not seen (exit ${this.child.exitCode}); output:\n${this.output.slice(-4000)}`);
      }
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** The built hub (dist/src/main.js) on a free port. */
export class HubProcess extends NodeProcess {
  constructor(
    readonly port: number,
    env: Record<string, string>,
    script = 'dist/src/main.js',
    args: string[] = [],
  ) {
    super(script, { HOST: '127.0.0.1', PORT: String(port), ...env }, args);
  }

  static async start(env: Record<string, string>): Promise<HubProcess> {
    return HubProcess.launch(new HubProcess(await freePort(), env));
  }

  /** Runs `script args` (e.g. the CLI with serve flags, which may set another port) and waits until it is ready. */
  static async launch(hub: HubProcess): Promise<HubProcess> {
    await hub.waitForLog((l) => l.context === 'Hub' && l.msg.startsWith('MCP Hub ready'));
    return hub;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    into.push(...parts.filter((p) => p.length > 0));
  });
  stream.on('end', () => rest && into.push(rest));
}
