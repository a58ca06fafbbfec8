import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ROOT, sleep } from './hub-process';

export const EVERYTHING_BIN = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const MEMORY_BIN = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');

/** server-everything over Streamable HTTP (or the legacy SSE transport) on its own port, started by the test. */
export class EverythingHttpServer {
  private child?: ChildProcess;

  constructor(
    readonly port: number,
    readonly mode: 'streamableHttp' | 'sse',
  ) {}

  static async create(mode: 'streamableHttp' | 'sse' = 'streamableHttp'): Promise<EverythingHttpServer> {
    return new EverythingHttpServer(await freePort(), mode);
  }

  /** Created and started. */
  static async started(mode: 'streamableHttp' | 'sse' = 'streamableHttp'): Promise<EverythingHttpServer> {
    const server = await EverythingHttpServer.create(mode);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/${this.mode === 'sse' ? 'sse' : 'mcp'}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [EVERYTHING_BIN, this.mode], { env: { ...process.env, PORT: String(this.port) }, stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await portOpen(this.port)) return;
      await sleep(50);
    }
    throw new Error(`server-everything did not listen on ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
