import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AskingClient } from '../support/asking-client';
import { Json } from '../support/http';
import { HubProcess, ROOT, sleep } from '../support/hub-process';
import { EVERYTHING_BIN, MEMORY_BIN } from '../support/mcp-servers';
import { RoundRobinProxy } from '../support/round-robin-proxy';
import { SseRecorder } from '../support/sse';
import { readEvents } from '../support/sse-events';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';

const run = promisify(execFile);
const ROLLUP_MS = 2000;
const PARTITIONS_MS = 3000;

/**
 * Three hub processes share one PostgreSQL and Redis behind a round-robin proxy with no session
 * affinity: every MCP session works whichever replica a request lands on, events, key revocations and
 * server changes reach every replica, and scheduled duties run once per period while replicas come and go.
 */
describe('several hub replicas behind one round-robin address', () => {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `test-replicas-${process.pid}:`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: prefix });
  let dir: string;
  let admin: string;
  let proxy: RoundRobinProxy;
  let hubs: HubProcess[] = [];
  /** Every replica started, the stopped ones included: their logs hold the duties they ran. */
  const everStarted: HubProcess[] = [];
  /** Hub instance id by port. */
  const ids = new Map<number, string>();
  const killed: string[] = [];
  const clients: Client[] = [];
  const auth = () => ({ authorization: `Bearer ${admin}` });

  const env = () => ({
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: prefix,
    MCP_SERVERS_CONFIG: join(dir, 'servers.json'),
    AUTH_MODE: 'api-key',
    TELEMETRY_ROLLUP_INTERVAL_MS: String(ROLLUP_MS),
    TELEMETRY_PARTITION_MAINTENANCE_MS: String(PARTITIONS_MS),
    TRAINING_WORKER_ENABLED: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
    // each duty run is logged at debug: the test counts the runs themselves, not only their claims
    LOG_LEVEL: 'debug',
  });
  const api = async (hub: HubProcess | RoundRobinProxy, method: string, path: string, body?: unknown, key = admin) => {
    const response = await fetch(hub.url(path), {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
  };
  const startHub = async () => {
    const hub = await HubProcess.start(env());
    everStarted.push(hub);
    for (let i = 0; i < 200; i++) {
      const servers = (await api(hub, 'GET', '/api/servers')).body?.servers as Json[] | undefined;
      if (servers?.some((s) => s.name === 'everything' && s.state === 'connected' && s.catalog.tools > 0)) break;
      await sleep(100);
    }
    const workspaces = (await api(hub, 'GET', '/api/workspaces')).body as Json;
    ids.set(hub.port, (Object.values(workspaces.workspaces ?? workspaces) as Json[]).find((w) => w.current).id);
    return hub;
  };
  const targets = () => hubs.map((hub) => `http://127.0.0.1:${hub.port}`);
  const connect = async (label = 'A') => {
    const client = new AskingClient({ label });
    await client.connect(new StreamableHTTPClientTransport(new URL(proxy.url('/mcp')), { requestInit: { headers: auth() } }));
    clients.push(client);
    return client;
  };
  const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;
  /** A session whose owner is that replica: an SDK client sends a fixed number of requests to open one, so the proxy's turn is moved on between tries. */
  const connectOwnedBy = async (instance: string) => {
    for (let i = 0; i < 12; i++) {
      const client = await connect(`owned-${i}`);
      if ((await ownerOf((client.transport as StreamableHTTPClientTransport).sessionId!)) === instance) return client;
      await fetch(proxy.url('/api/health/live'));
    }
    throw new Error(`no session landed on ${instance}`);
  };
  /** Requests the replicas passed on to the owner of their session, all replicas together. */
  const forwarded = async () => {
    const counts = await Promise.all(hubs.map(async (hub) => Number(/^mcp_hub_forwarded_requests (\d+)/m.exec(await (await fetch(hub.url('/metrics'), { headers: auth() })).text())?.[1])));
    return counts.reduce((sum, count) => sum + count, 0);
  };
  const ownerOf = async (sessionId: string) => (await redis.get(`mcp:session:${sessionId}`))?.split(' ')[0];
  const echo = (client: Client, message: string) => client.callTool({ name: 'everything__echo', arguments: { message } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-replicas-'));
    await writeFile(join(dir, 'servers.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN, 'stdio'] } } }));
    admin = (await run(process.execPath, [join(ROOT, 'dist/src/platform/auth/create-key.js'), '--name', 'bootstrap', '--scopes', 'admin,read,mcp'], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl } })).stdout.trim();
    hubs.push(await startHub());
    hubs.push(...(await Promise.all([startHub(), startHub()])));
    proxy = await RoundRobinProxy.start(targets());
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await proxy?.stop();
    await Promise.all(hubs.map((hub) => hub.stop()));
    redis.disconnect();
    await dropDatabase(databaseUrl);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves one SDK session from all three replicas: calls, progress and the client answering sampling', async () => {
    const client = await connect('A');
    const before = new Map(proxy.counts);
    const forwardedBefore = await forwarded();
    for (let i = 0; i < 6; i++) expect(text(await echo(client, `hello ${i}`))).toBe(`Echo: hello ${i}`);
    const progress: unknown[] = [];
    const long = await client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 1, steps: 4 } }, undefined, { onprogress: (p) => progress.push(p) });
    expect(text(long)).toMatch(/completed/i);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(text(await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'Say hi' } }))).toContain('sampled by A');
    // every replica got some of this session's requests; two of the three had to pass them to the owner
    for (const target of targets()) expect((proxy.counts.get(target) ?? 0) - (before.get(target) ?? 0)).toBeGreaterThan(0);
    expect((await forwarded()) - forwardedBefore).toBeGreaterThanOrEqual(4);
    expect(ids.size).toBe(3);
  });

  it('serves a legacy /sse session whose /messages posts land on the other replicas', async () => {
    const client = new AskingClient({ label: 'L' });
    await client.connect(new SSEClientTransport(new URL(proxy.url('/sse')), { requestInit: { headers: auth() }, eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, ...auth() } }) } }));
    clients.push(client);
    for (let i = 0; i < 4; i++) expect(text(await echo(client, `legacy ${i}`))).toBe(`Echo: legacy ${i}`);
    expect(text(await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'Say hi' } }))).toContain('sampled by L');
  });

  it('behind a balancer that pins by Mcp-Session-Id, a session is served by its owner alone and nothing is forwarded', async () => {
    const pinned = await RoundRobinProxy.start(targets(), true);
    try {
      const before = await forwarded();
      const client = new AskingClient({ label: 'P' });
      await client.connect(new StreamableHTTPClientTransport(new URL(pinned.url('/mcp')), { requestInit: { headers: auth() } }));
      clients.push(client);
      for (let i = 0; i < 6; i++) expect(text(await echo(client, `pinned ${i}`))).toBe(`Echo: pinned ${i}`);
      expect(text(await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'Say hi' } }))).toContain('sampled by P');
      expect(Number.isNaN(before)).toBe(false);
      expect(await forwarded()).toBe(before);
    } finally {
      await pinned.stop();
    }
  });

  it('resumes a dropped response stream with Last-Event-ID on another replica', async () => {
    const initialize = await fetch(proxy.url('/mcp'), {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    const session = initialize.headers.get('mcp-session-id')!;
    await initialize.text();
    // the call and its resumption each go straight to a replica that does not hold the session
    const owner = await ownerOf(session);
    const others = hubs.filter((hub) => ids.get(hub.port) !== owner);
    expect(others).toHaveLength(2);
    const headers = { ...auth(), 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
    await fetch(proxy.url('/mcp'), { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    const forwardedBefore = await forwarded();
    const abort = new AbortController();
    const response = await fetch(others[0].url('/mcp'), {
      method: 'POST',
      headers,
      signal: abort.signal,
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'everything__trigger-long-running-operation', arguments: { duration: 1.5, steps: 3 }, _meta: { progressToken: 'p1' } } }),
    });
    const before = await readEvents(response, (events) => events.some((e) => e.data.includes('notifications/progress')), abort).catch(() => []);
    const lastId = before.filter((e) => e.id).at(-1)?.id;
    expect(lastId).toBeTruthy();
    await sleep(1600);
    const resumed = new AbortController();
    const replay = await fetch(others[1].url('/mcp'), { method: 'GET', headers: { ...headers, 'last-event-id': lastId! }, signal: resumed.signal });
    expect(replay.status).toBe(200);
    const after = await readEvents(replay, (events) => events.some((e) => e.data.includes('"id":3')), resumed);
    expect(JSON.parse(after.find((e) => e.data.includes('"id":3'))!.data).result.content[0].text).toMatch(/completed/i);
    expect(after.every((e) => e.id !== lastId)).toBe(true);
    expect((await forwarded()) - forwardedBefore).toBe(2);
  });

  it('answers 200 sessions of 20 calls each through the proxy without one error', async () => {
    const errors: string[] = [];
    let calls = 0;
    const session = async (n: number) => {
      const client = new Client({ name: `load-${n}`, version: '1.0.0' });
      try {
        await client.connect(new StreamableHTTPClientTransport(new URL(proxy.url('/mcp')), { requestInit: { headers: auth() } }));
        for (let i = 0; i < 20; i++) {
          const result = await echo(client, `${n}-${i}`);
          if (text(result) === `Echo: ${n}-${i}`) calls++;
          else errors.push(`${n}-${i}: ${text(result)}`);
        }
      } catch (error) {
        errors.push(`${n}: ${(error as Error).message}`);
      } finally {
        await client.close().catch(() => undefined);
      }
    };
    let next = 0;
    await Promise.all(Array.from({ length: 20 }, async () => {
      while (next < 200) await session(next++);
    }));
    expect(errors).toEqual([]);
    expect(calls).toBe(4000);
  });

  it('a server added through one replica runs on every replica, and /api/servers shows its state on each; each replica streams the others\' events once', async () => {
    const [a, b] = hubs;
    const stream = new SseRecorder();
    await stream.open(b.url('/api/events?types=mcp.server.state'), auth());
    expect((await api(a, 'POST', '/api/servers', { name: 'memory', command: process.execPath, args: [MEMORY_BIN] })).status).toBe(201);
    let memory: Json;
    for (let i = 0; i < 100; i++) {
      memory = ((await api(b, 'GET', '/api/servers')).body.servers as Json[]).find((s) => s.name === 'memory');
      if (memory?.replicas?.length === 3 && memory.replicas.every((r: Json) => r.state === 'connected')) break;
      await sleep(100);
    }
    expect(memory.replicas.map((r: Json) => r.instance).sort()).toEqual([...ids.values()].sort());
    expect(memory.replicas.find((r: Json) => r.current).instance).toBe(ids.get(b.port));
    const connected = (origin?: string) => (m: { data: Json }) => m.data?.subject === 'memory' && m.data.data.to === 'connected' && m.data.origin === origin;
    await stream.waitFor(connected(undefined));
    await stream.waitFor(connected(ids.get(a.port)));
    await stream.waitFor(connected(ids.get(hubs[2].port)));
    await stream.close();
    const seen = stream.messages.filter((m) => m.event === 'mcp.server.state').map((m) => JSON.stringify([m.data.origin, m.data.subject, m.data.data]));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a key revoked on one replica is refused by the others within a second', async () => {
    const created = (await api(hubs[0], 'POST', '/api/keys', { name: 'short-lived', scopes: ['read', 'mcp'] })).body as { id: string; key: string };
    for (const hub of hubs) expect((await api(hub, 'GET', '/api/servers', undefined, created.key)).status).toBe(200);
    expect((await api(hubs[0], 'DELETE', `/api/keys/${created.id}`)).status).toBe(204);
    const refusedWithinASecond = async (hub: HubProcess) => {
      for (let i = 0; i < 10; i++) {
        if ((await api(hub, 'GET', '/api/servers', undefined, created.key)).status === 401) return true;
        await sleep(100);
      }
      return false;
    };
    expect(await Promise.all([refusedWithinASecond(hubs[1]), refusedWithinASecond(hubs[2])])).toEqual([true, true]);
  });

  it('a replica killed with SIGKILL: its sessions get 404 and start again, the others\' sessions go on', async () => {
    const victim = hubs[2];
    const sessions: Client[] = [];
    for (const hub of hubs) sessions.push(await connectOwnedBy(ids.get(hub.port)!));
    victim.signal('SIGKILL');
    await victim.exited;
    killed.push(ids.get(victim.port)!);
    await expect(echo(sessions[2], 'after')).rejects.toThrow(/404|Session not found/);
    for (const client of sessions.slice(0, 2)) expect(text(await echo(client, 'after'))).toBe('Echo: after');
    const again = await connect('again');
    expect(text(await echo(again, 'new session'))).toBe('Echo: new session');

    hubs = [hubs[0], hubs[1], await startHub()];
    proxy.setTargets(targets());
    const onNewcomer = await connectOwnedBy(ids.get(hubs[2].port)!);
    for (let i = 0; i < 3; i++) expect(text(await echo(onNewcomer, `n${i}`))).toBe(`Echo: n${i}`);
  });

  it('SIGTERM of a replica answers the calls in flight of its sessions, then they get 404', async () => {
    const victim = hubs[1];
    const client = await connectOwnedBy(ids.get(victim.port)!);
    const call = client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 2, steps: 2 } });
    await sleep(500);
    victim.signal('SIGTERM');
    expect(text(await call)).toMatch(/completed/i);
    expect((await victim.exited).code).toBe(0);
    expect(victim.logs.filter((l) => l.level >= 50)).toEqual([]);
    hubs = [hubs[0], hubs[2]];
    proxy.setTargets(targets());
    await expect(echo(client, 'after drain')).rejects.toThrow(/404|Session not found/);
  });

  it('ran each scheduled duty exactly once per period while replicas came and went', async () => {
    // the replicas left stop gracefully first, so no run is caught half-way by the query below
    for (const hub of hubs) hub.signal('SIGTERM');
    expect((await Promise.all(hubs.map((hub) => hub.exited))).map((exit) => exit.code)).toEqual(hubs.map(() => 0));
    const runs = await queryDatabase<{ duty: string; period: Date; instance_id: string; finished_at: Date | null; error: string | null }>(
      databaseUrl,
      `SELECT duty, period, instance_id, finished_at, error FROM mcp_hub.duty_runs ORDER BY duty, period`,
    );
    for (const [duty, every] of [
      ['telemetry-rollups', ROLLUP_MS],
      ['telemetry-partitions', PARTITIONS_MS],
    ] as const) {
      const mine = runs.filter((r) => r.duty === duty);
      expect(mine.length).toBeGreaterThanOrEqual(5);
      // what the replicas actually ran: one run per claimed period, none twice
      const ran = everStarted.flatMap((hub) => hub.logs.filter((l) => l.msg.startsWith(`Duty ${duty} runs for period `)).map((l) => l.msg.split(' ').at(-1)));
      expect(ran.sort()).toEqual(mine.map((r) => r.period.toISOString()));
      const gaps = mine.slice(1).map((r, i) => r.period.getTime() - mine[i].period.getTime());
      // one run per period, none skipped: consecutive periods are one interval apart
      expect(new Set(gaps)).toEqual(new Set([every]));
      expect(new Set(mine.map((r) => r.instance_id)).size).toBeGreaterThan(1);
      // a run cut short by SIGKILL is the only kind left unfinished
      expect(mine.filter((r) => r.error !== null || (r.finished_at === null && !killed.includes(r.instance_id)))).toEqual([]);
    }
  });
});
