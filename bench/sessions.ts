import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { startHub } from './hub-runner';
import { report } from './support';

/**
 * MCP session load on /mcp, loopback only, in bounded loops: CONCURRENT clients open a session each at
 * once and stay idle, then INITIALIZES initialize requests arrive over CONNECTIONS keep-alive
 * connections, as from a client that never ends its sessions. Reports sessions/s, memory per idle
 * session (resident and V8 heap after a full GC — bench/gc-on-signal.js — over the idle hub without
 * sessions measured in the same run), how many initializes the session cap (BENCH_MAX_SESSIONS, in
 * total and per client) refused with 503 and Retry-After, and memory once the sessions expired (the
 * hub runs with MCP_SESSION_IDLE_MS and MCP_SESSION_UNUSED_MS of BENCH_IDLE_MS here).
 * Target: at most 20 KB per idle session.
 */
const CONCURRENT = Number(process.env.BENCH_SESSIONS ?? 500);
const INITIALIZES = Number(process.env.BENCH_INITIALIZES ?? 25_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const MAX_SESSIONS = Number(process.env.BENCH_MAX_SESSIONS ?? 5000);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 30_000);
const TARGET_KB = 20;

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
const PING = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });

interface Answer {
  status: number;
  session?: string;
  retryAfter?: string;
}

function post(agent: Agent, port: number, body: string, session?: string): Promise<Answer> {
  const headers: Record<string, string | number> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body) };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, session: res.headers['mcp-session-id'] as string | undefined, retryAfter: res.headers['retry-after'] as string | undefined }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function openSession(agent: Agent, port: number): Promise<Answer> {
  const init = await post(agent, port, INITIALIZE);
  if (init.status === 200 && init.session) await post(agent, port, INITIALIZED, init.session);
  return init;
}

async function memory(pid: number, port: number): Promise<{ rssMb: number; heapMb: number }> {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const heap = Number(/^mcp_hub_nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN);
  return { rssMb: rssKb / 1024, heapMb: heap / 1024 / 1024 };
}

/** Memory after a quiet moment and a full garbage collection (bench/gc-on-signal.js). */
async function settledMemory(pid: number, port: number): Promise<{ rssMb: number; heapMb: number }> {
  await sleep(2000);
  process.kill(pid, 'SIGUSR2');
  await sleep(1000);
  return memory(pid, port);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const kbPer = (mb: number, count: number) => (count > 0 ? round((mb * 1024) / count) : 0);

async function main(): Promise<void> {
  const hub = await startHub(['--expose-gc', '-r', join(__dirname, 'gc-on-signal.js')], {
    LOG_LEVEL: 'warn',
    MCP_SESSION_IDLE_MS: String(IDLE_MS),
    MCP_SESSION_UNUSED_MS: String(IDLE_MS),
    MCP_MAX_SESSIONS: String(MAX_SESSIONS),
    MCP_MAX_SESSIONS_PER_CLIENT: String(MAX_SESSIONS),
  });
  const wide = new Agent({ keepAlive: true, maxSockets: CONCURRENT });
  const pooled = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    // warm the code paths (and the JIT) so the baseline is not the cold process
    for (let i = 0; i < 200; i++) {
      const { session } = await openSession(pooled, hub.port);
      await new Promise<void>((resolve) => request({ agent: pooled, host: '127.0.0.1', port: hub.port, path: '/mcp', method: 'DELETE', headers: { 'mcp-session-id': session } }, (res) => res.resume().on('end', resolve)).end());
    }
    const idle = await settledMemory(hub.pid, hub.port);

    let started = performance.now();
    const opened = await Promise.all(Array.from({ length: CONCURRENT }, () => openSession(wide, hub.port)));
    const concurrentSeconds = (performance.now() - started) / 1000;
    const held = opened.filter((a) => a.status === 200).map((a) => a.session!);
    const afterConcurrent = await settledMemory(hub.pid, hub.port);

    const statuses = new Map<number, number>();
    let newest: string | undefined;
    let withRetryAfter = 0;
    let next = 0;
    started = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < INITIALIZES) {
          next++;
          const answer = await post(pooled, hub.port, INITIALIZE);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.session) newest = answer.session;
          if (answer.status === 503 && answer.retryAfter) withRetryAfter++;
        }
      }),
    );
    const burstSeconds = (performance.now() - started) / 1000;
    const created = statuses.get(200) ?? 0;
    const refused = statuses.get(503) ?? 0;
    const other = INITIALIZES - created - refused;
    const afterBurst = await settledMemory(hub.pid, hub.port);
    const live = held.length + created;
    // the oldest session still open means none had expired when memory was read (asking keeps it open a while longer)
    const intact = (await post(pooled, hub.port, PING, held[0])).status === 200;

    // the sweeper runs every min(idle, 60 s); asking about a session would keep it alive, so wait, then ask once
    await sleep(IDLE_MS + Math.min(IDLE_MS, 60_000) + 5000);
    const expired = (await post(pooled, hub.port, PING, newest ?? held.at(-1))).status === 404;
    const afterExpiry = await settledMemory(hub.pid, hub.port);

    const rows = [
      { subject: 'hub idle, no session (baseline)', sessions: 0, 'initializes/s': 0, 'sessions/s': 0, '503s': 0, 'RSS MB': round(idle.rssMb), 'heap MB': round(idle.heapMb), 'KB/session (RSS)': 0, 'KB/session (heap)': 0 },
      {
        subject: `${CONCURRENT} concurrent sessions, idle`,
        sessions: held.length,
        'initializes/s': Math.round(CONCURRENT / concurrentSeconds),
        'sessions/s': Math.round(held.length / concurrentSeconds),
        '503s': opened.filter((a) => a.status === 503).length,
        'RSS MB': round(afterConcurrent.rssMb),
        'heap MB': round(afterConcurrent.heapMb),
        'KB/session (RSS)': kbPer(afterConcurrent.rssMb - idle.rssMb, held.length),
        'KB/session (heap)': kbPer(afterConcurrent.heapMb - idle.heapMb, held.length),
      },
      {
        subject: `+ ${INITIALIZES} initializes over ${CONNECTIONS} connections`,
        sessions: live,
        'initializes/s': Math.round(INITIALIZES / burstSeconds),
        'sessions/s': Math.round(created / burstSeconds),
        '503s': refused,
        'RSS MB': round(afterBurst.rssMb),
        'heap MB': round(afterBurst.heapMb),
        'KB/session (RSS)': kbPer(afterBurst.rssMb - idle.rssMb, live),
        'KB/session (heap)': kbPer(afterBurst.heapMb - idle.heapMb, live),
      },
      { subject: `after idle expiry (${IDLE_MS} ms)`, sessions: expired ? 0 : live, 'initializes/s': 0, 'sessions/s': 0, '503s': 0, 'RSS MB': round(afterExpiry.rssMb), 'heap MB': round(afterExpiry.heapMb), 'KB/session (RSS)': 0, 'KB/session (heap)': 0 },
    ];
    const perSessionKb = kbPer(afterBurst.rssMb - idle.rssMb, live);
    const capHeld = live <= MAX_SESSIONS && refused === Math.max(0, INITIALIZES + CONCURRENT - MAX_SESSIONS) && withRetryAfter === refused;
    report('sessions', rows, {
      concurrent: CONCURRENT,
      initializes: INITIALIZES,
      connections: CONNECTIONS,
      maxSessions: MAX_SESSIONS,
      idleMs: IDLE_MS,
      statuses: Object.fromEntries(statuses),
      otherStatuses: other,
      refusedWithRetryAfter: withRetryAfter,
      expired,
      sessionsIntactWhenMeasured: intact,
      perSessionKbRss: perSessionKb,
      perSessionKbHeap: kbPer(afterBurst.heapMb - idle.heapMb, live),
      capEnforced: capHeld,
      targets: { perSessionKb: TARGET_KB },
    });
    if (!intact) console.log(`sessions expired before memory was read: raise BENCH_IDLE_MS (now ${IDLE_MS}); the per-session figures are too low`);
    console.log(`${live} live sessions cost ${perSessionKb} KB each in resident memory (target <= ${TARGET_KB} KB: ${perSessionKb <= TARGET_KB ? 'within' : 'OVER'})`);
    console.log(`cap of ${MAX_SESSIONS} sessions: ${refused} initializes refused with 503 (${withRetryAfter} with Retry-After), ${other} other answers: ${capHeld ? 'enforced' : 'NOT enforced'}`);
    console.log(`after expiry: ${expired ? 'sessions gone' : 'sessions still open'}, RSS ${round(afterExpiry.rssMb)} MB, heap ${round(afterExpiry.heapMb)} MB`);
  } finally {
    wide.destroy();
    pooled.destroy();
    await hub.stop();
  }
}

void main();
