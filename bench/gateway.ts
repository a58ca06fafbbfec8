import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { freePort } from '../test/support/free-port';
import { ensurePeerHub } from './bench-peer';
import { EVERYTHING_BIN } from '../test/support/mcp-servers';
import { everythingServersFile, startHub, startReadyScript, stopChild, waitFor } from './hub-runner';
import { leanFetch } from './lean-fetch';
import { median, report, summary, timeTakingTurns } from './support';
import { telemetryStored } from '../test/support/telemetry-group';
import { commandsCpuMs, treeCpuMs } from './process-cpu';

/**
 * server-everything's `echo` over stdio, reached four ways in the same run: directly with the SDK
 * client (the baseline), through this hub's /mcp (Streamable HTTP), through the npm package
 * `mcp-hub` 4.2.1 (installed on first run into var/bench-peer; its /mcp is the legacy SSE transport) as a peer, and through
 * the forwarding floor (bench/forwarding-floor.ts: HTTP in, JSON lines to stdio, nothing else), which
 * shows what the extra process and HTTP hop alone cost on this machine.
 * Both hubs are also measured with a lean keep-alive HTTP client (bench/lean-fetch.ts) in place of
 * the SDK's fetch, which separates the client library's cost from the server's.
 * Sequential latency is measured twice: taking turns call by call, and with each subject in its own
 * block of calls. Work a server defers until after its answer (this hub's telemetry) runs during the
 * other subjects' calls when they take turns; in a block it is charged to its own subject. The block
 * also measures CPU per call from /proc: the server process with its children (the upstream stdio
 * server included), and separately Redis and PostgreSQL (what this hub's telemetry costs there).
 * Blocks run after every subject has served BENCH_WARMUP more calls, in BENCH_BLOCK_ROUNDS rounds,
 * each round one block per subject, this hub's and the floor's back to back: the figures are medians
 * over the rounds, and the CPU ratio to the floor is taken within each round, so a slow spell of the
 * machine weighs on both sides of it. A second copy of the floor is measured the same way: its ratio to
 * the first, 1 for a perfect measurement, shows how far one round's ratio strays on this machine.
 * Throughput runs 32 concurrent clients per subject for a while, in rounds taking turns as the blocks do;
 * the ratio to the floor is taken within each round.
 * Targets: under 0.6 ms median added latency, and at least 3x less added latency than the peer; in
 * blocks, a median within 0.2 ms of the forwarding floor's and CPU per call at most 1.5x the floor's;
 * 32-client throughput at least the floor's.
 */
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const THROUGHPUT_MS = Number(process.env.BENCH_THROUGHPUT_MS ?? 3000);
/** Runs of every subject, taking turns; one run per subject strayed by up to 1.6x between the floor and its identical copy. */
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 5);
const BLOCK_CALLS = Number(process.env.BENCH_BLOCK_CALLS ?? 3000);
const BLOCK_ROUNDS = Number(process.env.BENCH_BLOCK_ROUNDS ?? 7);
/**
 * The hub's JIT compilers are at work for its first ~13,000 calls (`--trace-opt`: 70–90 optimised
 * functions per 3,000 calls, a burst of 160 between calls 10,000 and 13,000, then 2–20), and that work
 * is CPU of the hub's process; the floor's CPU per call kept falling too, from 0.39 to 0.20 ms over its
 * first seven rounds after 7,000 calls. The hub serves two subjects, so it has 14,000 calls behind it
 * when the blocks start, and every other server process is given as many.
 */
const WARMUP_CALLS = Number(process.env.BENCH_WARMUP ?? 5000);
/** Before and after a block, once the hub's telemetry is stored, other deferred work gets this long to land. */
const SETTLE_MS = 500;
const ROOT = join(__dirname, '..');

interface Subject {
  name: string;
  connect: () => Promise<Client>;
  tool: string;
  /** The server's processes (their children counted too); the direct client's are its upstream child's. */
  pids: (client: Client) => number[];
  /** Resolves once the work the server defers (this hub's telemetry) is done. */
  settled?: () => Promise<void>;
}

interface BlockResult {
  samples: number[];
  cpuMsPerCall: number;
  storesCpuMsPerCall: number;
}

/** Until the work the subject deferred (this hub's telemetry) is done, and other deferred work has had SETTLE_MS to land. */
async function settle(subject: Subject): Promise<void> {
  await subject.settled?.();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** One subject alone: BLOCK_CALLS sequential calls, with the CPU its processes and Redis + PostgreSQL used meanwhile. */
async function block(subject: Subject, client: Client): Promise<BlockResult> {
  const call = () => client.callTool({ name: subject.tool, arguments: { message: 'bench' } });
  for (let i = 0; i < 200; i++) await call();
  await settle(subject);
  const pids = subject.pids(client);
  const [cpuBefore, storesBefore] = [treeCpuMs(pids), commandsCpuMs(STORES)];
  const samples: number[] = [];
  for (let i = 0; i < BLOCK_CALLS; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  await settle(subject);
  return { samples, cpuMsPerCall: (treeCpuMs(pids) - cpuBefore) / BLOCK_CALLS, storesCpuMsPerCall: (commandsCpuMs(STORES) - storesBefore) / BLOCK_CALLS };
}

const STORES = ['redis-server', 'postgres'];

/**
 * Every subject once per round, as `run(index)`; each round's results by subject index. The hub's run
 * (subject 1) and the floor's (5) go back to back, each first in every other round, so a slow spell of
 * the machine falls on both sides of their ratio; the floor's copy (6) is next to the floor as the hub is.
 */
async function inTurns<T>(roundCount: number, run: (subject: number) => Promise<T>): Promise<T[][]> {
  const rounds: T[][] = [];
  for (let round = 0; round < roundCount; round++) {
    const order = round % 2 === 0 ? [1, 5, 6, 0, 2, 3, 4] : [6, 5, 1, 0, 2, 3, 4];
    const results: T[] = [];
    for (const i of order) results[i] = await run(i);
    rounds.push(results);
  }
  return rounds;
}

/** One subject's rounds as one: every sample, and the median CPU figures. */
function medianBlock(results: BlockResult[]): BlockResult {
  return {
    samples: results.flatMap((r) => r.samples),
    cpuMsPerCall: median(results.map((r) => r.cpuMsPerCall)),
    storesCpuMsPerCall: median(results.map((r) => r.storesCpuMsPerCall)),
  };
}

async function connectClient(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** The peer's SSE endpoint now and then answers 500 while many clients connect at once; it succeeds when tried again. */
async function connectRetrying(createTransport: () => Transport, attempts = 5): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectClient(createTransport());
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** The clients of a subject's throughput runs, connected once for every round. */
async function connectPool(subject: Subject): Promise<Client[]> {
  return subject.name.startsWith('direct') ? Array(CLIENTS).fill(await subject.connect()) : await Promise.all(Array.from({ length: CLIENTS }, () => subject.connect()));
}

interface ThroughputResult {
  callsPerSecond: number;
  /** CPU per call of this benchmark's own process, where the 32 clients run. */
  clientCpuMsPerCall: number;
  serverCpuMsPerCall: number;
  storesCpuMsPerCall: number;
}

/**
 * One run: every client calls in a loop for THROUGHPUT_MS; the run's deferred work then settles, not to
 * weigh on the next subject's. The CPU of the clients, the server and Redis + PostgreSQL shows which side
 * of the two cores' time each takes.
 */
async function throughput(subject: Subject, clients: Client[]): Promise<ThroughputResult> {
  const pids = subject.pids(clients[0]);
  const [clientBefore, serverBefore, storesBefore] = [process.cpuUsage(), treeCpuMs(pids), commandsCpuMs(STORES)];
  let done = 0;
  const deadline = performance.now() + THROUGHPUT_MS;
  await Promise.all(
    clients.map(async (client: Client) => {
      while (performance.now() < deadline) {
        await client.callTool({ name: subject.tool, arguments: { message: 'bench' } });
        done++;
      }
    }),
  );
  const client = process.cpuUsage(clientBefore);
  await settle(subject);
  return {
    callsPerSecond: done / (THROUGHPUT_MS / 1000),
    clientCpuMsPerCall: (client.user + client.system) / 1000 / done,
    serverCpuMsPerCall: (treeCpuMs(pids) - serverBefore) / done,
    storesCpuMsPerCall: (commandsCpuMs(STORES) - storesBefore) / done,
  };
}

async function main(): Promise<void> {
  const hub = await startHub();
  const floor = await startReadyScript('forwarding-floor.ts');
  const floorCopy = await startReadyScript('forwarding-floor.ts');
  const peerFiles = await everythingServersFile();
  const peerPort = await freePort();
  const peer = spawn(process.execPath, [ensurePeerHub(ROOT), '--port', String(peerPort), '--config', peerFiles.file], { stdio: 'ignore' });
  const redis = new Redis('redis://127.0.0.1:6379');
  try {
    await waitFor(`http://127.0.0.1:${peerPort}/api/health`, peer);
    const hubPids = () => [hub.pid];
    const hubSettled = () => telemetryStored(redis, `${hub.redisKeyPrefix}telemetry:events`);
    const peerPids = () => [peer.pid!];
    const subjects: Subject[] = [
      {
        name: 'direct SDK stdio client (baseline)',
        tool: 'echo',
        connect: () => connectClient(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_BIN], stderr: 'ignore' })),
        pids: (client) => [(client.transport as StdioClientTransport).pid!],
      },
      { name: 'this hub /mcp (Streamable HTTP)', tool: 'everything__echo', connect: () => connectClient(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${hub.port}/mcp`))), pids: hubPids, settled: hubSettled },
      { name: 'peer: npm mcp-hub /mcp (SSE)', tool: '', connect: () => connectRetrying(() => new SSEClientTransport(new URL(`http://127.0.0.1:${peerPort}/mcp`))), pids: peerPids },
      {
        name: 'this hub /mcp, lean keep-alive client',
        tool: 'everything__echo',
        connect: () => connectClient(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${hub.port}/mcp`), { fetch: leanFetch })),
        pids: hubPids,
        settled: hubSettled,
      },
      { name: 'peer /mcp (SSE), lean keep-alive client', tool: '', connect: () => connectRetrying(() => new SSEClientTransport(new URL(`http://127.0.0.1:${peerPort}/mcp`), { fetch: leanFetch })), pids: peerPids },
      { name: 'forwarding floor (HTTP -> stdio, no work)', tool: 'echo', connect: () => connectClient(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${floor.port}/mcp`))), pids: () => [floor.child.pid!] },
      { name: 'a second forwarding floor (noise check)', tool: 'echo', connect: () => connectClient(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${floorCopy.port}/mcp`))), pids: () => [floorCopy.child.pid!] },
    ];
    const sequentialClients = await Promise.all(subjects.map((s) => s.connect()));
    for (let attempt = 0; attempt < 100; attempt++) {
      subjects[2].tool = (await sequentialClients[2].listTools()).tools.find((t) => /echo$/.test(t.name) && t.name.includes('everything'))?.name ?? '';
      subjects[4].tool = subjects[2].tool;
      if (subjects[2].tool) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!subjects[2].tool) throw new Error('the peer never listed the everything echo tool');

    const samples = await timeTakingTurns(
      subjects.map((s, i) => () => sequentialClients[i].callTool({ name: s.tool, arguments: { message: 'bench' } })),
      CALLS,
    );
    // every server process then has as many calls behind it: the hub and the peer serve two subjects each, so a server with one subject gets its share again
    const subjectsOfServer = (i: number) => subjects.filter((s) => s.pids === subjects[i].pids).length;
    const most = Math.max(...subjects.map((_, i) => subjectsOfServer(i)));
    for (let i = 0; i < subjects.length; i++) {
      const calls = WARMUP_CALLS + (most - subjectsOfServer(i)) * (CALLS + WARMUP_CALLS);
      for (let n = 0; n < calls; n++) await sequentialClients[i].callTool({ name: subjects[i].tool, arguments: { message: 'bench' } });
    }
    const rounds = await inTurns(BLOCK_ROUNDS, (i) => block(subjects[i], sequentialClients[i]));
    const blocks = subjects.map((_, i) => medianBlock(rounds.map((results) => results[i])));
    await Promise.all(sequentialClients.map((c) => c.close()));
    const pools: Client[][] = [];
    for (const subject of subjects) pools.push(await connectPool(subject));
    const throughputRounds = await inTurns(THROUGHPUT_ROUNDS, (i) => throughput(subjects[i], pools[i]));
    await Promise.all(pools.flatMap((pool) => [...new Set(pool)].map((c) => c.close())));
    const throughputMedian = (i: number, field: keyof ThroughputResult) => median(throughputRounds.map((results) => results[i][field]));
    const rates = subjects.map((_, i) => throughputMedian(i, 'callsPerSecond'));
    const throughputRatios = throughputRounds.map((results) => results[1].callsPerSecond / results[5].callsPerSecond);
    const copyThroughputRatios = throughputRounds.map((results) => results[6].callsPerSecond / results[5].callsPerSecond);
    const throughputCpu = (i: number) => ({
      subject: subjects[i].name,
      clientCpuMsPerCall: Number(throughputMedian(i, 'clientCpuMsPerCall').toFixed(3)),
      serverCpuMsPerCall: Number(throughputMedian(i, 'serverCpuMsPerCall').toFixed(3)),
      storesCpuMsPerCall: Number(throughputMedian(i, 'storesCpuMsPerCall').toFixed(3)),
    });

    const baseline = median(samples[0]);
    const added = samples.map((s) => median(s) - baseline);
    const rows = subjects.map((s, i) => ({
      ...summary(s.name, samples[i]),
      'added median ms': Number(added[i].toFixed(3)),
      'block median ms': Number(median(blocks[i].samples).toFixed(3)),
      'block CPU ms/call': Number(blocks[i].cpuMsPerCall.toFixed(3)),
      'Redis+PG CPU ms/call': Number(blocks[i].storesCpuMsPerCall.toFixed(3)),
      [`calls/s (${CLIENTS} clients)`]: Math.round(rates[i]),
    }));
    const [hubBlock, floorBlock] = [blocks[1], blocks[5]];
    const blockAboveFloorMs = median(hubBlock.samples) - median(floorBlock.samples);
    const roundRatios = rounds.map((results) => results[1].cpuMsPerCall / results[5].cpuMsPerCall);
    const cpuRatio = median(roundRatios);
    const copyRatios = rounds.map((results) => results[6].cpuMsPerCall / results[5].cpuMsPerCall);
    const throughputRatio = median(throughputRatios);
    const ratio = added[2] / added[1];
    const [hubAbove, peerAbove] = [added[1] - added[5], added[2] - added[5]];
    report('gateway', rows, {
      clients: CLIENTS,
      throughputMs: THROUGHPUT_MS,
      addedMedianMs: Number(added[1].toFixed(3)),
      peerAddedMedianMs: Number(added[2].toFixed(3)),
      floorAddedMedianMs: Number(added[5].toFixed(3)),
      hubAboveFloorMs: Number(hubAbove.toFixed(3)),
      peerAboveFloorMs: Number(peerAbove.toFixed(3)),
      peerToHubAddedRatio: Number(ratio.toFixed(2)),
      blockCalls: BLOCK_CALLS,
      blockMedianAboveFloorMs: Number(blockAboveFloorMs.toFixed(3)),
      hubCpuMsPerCall: Number(hubBlock.cpuMsPerCall.toFixed(3)),
      floorCpuMsPerCall: Number(floorBlock.cpuMsPerCall.toFixed(3)),
      hubToFloorCpuRatio: Number(cpuRatio.toFixed(2)),
      blockRounds: BLOCK_ROUNDS,
      warmupCalls: WARMUP_CALLS,
      hubToFloorCpuRatioByRound: roundRatios.map((r) => Number(r.toFixed(2))),
      floorCopyToFloorCpuRatio: Number(median(copyRatios).toFixed(2)),
      floorCopyToFloorCpuRatioByRound: copyRatios.map((r) => Number(r.toFixed(2))),
      cpuMsPerCallByRound: subjects.map((s, i) => ({ subject: s.name, cpuMsPerCall: rounds.map((results) => Number(results[i].cpuMsPerCall.toFixed(3))) })),
      hubStoresCpuMsPerCall: Number(hubBlock.storesCpuMsPerCall.toFixed(3)),
      hubToFloorThroughputRatio: Number(throughputRatio.toFixed(2)),
      hubToFloorThroughputRatioByRound: throughputRatios.map((r) => Number(r.toFixed(2))),
      throughputRounds: THROUGHPUT_ROUNDS,
      floorCopyToFloorThroughputRatio: Number(median(copyThroughputRatios).toFixed(2)),
      floorCopyToFloorThroughputRatioByRound: copyThroughputRatios.map((r) => Number(r.toFixed(2))),
      throughputCpuMsPerCall: subjects.map((_, i) => throughputCpu(i)),
      targets: { addedMedianMs: 0.6, peerRatio: 3, blockMedianAboveFloorMs: 0.2, hubToFloorCpuRatio: 1.5, hubToFloorThroughputRatio: 1 },
    });
    console.log(`this hub adds ${added[1].toFixed(3)} ms at the median (target < 0.6 ms: ${added[1] < 0.6 ? 'within' : 'OVER'}); the peer adds ${added[2].toFixed(3)} ms, ${ratio.toFixed(1)}x ours (target >= 3x: ${ratio >= 3 ? 'met' : 'NOT met'})`);
    console.log(`the forwarding floor (no work at all) adds ${added[5].toFixed(3)} ms; above it, this hub adds ${hubAbove.toFixed(3)} ms and the peer ${peerAbove.toFixed(3)} ms`);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(`in blocks of ${BLOCK_CALLS}: this hub's median is ${blockAboveFloorMs.toFixed(3)} ms above the floor's (target <= 0.2: ${verdict(blockAboveFloorMs <= 0.2)})`);
    console.log(
      `CPU per call (medians of ${BLOCK_ROUNDS} rounds): this hub ${hubBlock.cpuMsPerCall.toFixed(3)} ms, the floor ${floorBlock.cpuMsPerCall.toFixed(3)} ms, ${cpuRatio.toFixed(2)}x (by round: ${roundRatios.map((r) => r.toFixed(2)).join(', ')}; target <= 1.5x: ${verdict(cpuRatio <= 1.5)}); Redis + PostgreSQL for its telemetry ${hubBlock.storesCpuMsPerCall.toFixed(3)} ms more`,
    );
    console.log(
      `the floor's copy, measured the same way: ${median(copyRatios).toFixed(2)}x the floor's CPU per call (by round: ${copyRatios.map((r) => r.toFixed(2)).join(', ')}), where a perfect measurement reads 1.00`,
    );
    console.log(
      `${CLIENTS}-client throughput (medians of ${THROUGHPUT_ROUNDS} rounds): this hub ${Math.round(rates[1])}/s, the floor ${Math.round(rates[5])}/s, ${throughputRatio.toFixed(2)}x (by round: ${throughputRatios.map((r) => r.toFixed(2)).join(', ')}; target >= 1x: ${verdict(throughputRatio >= 1)}); the floor's copy ${Math.round(rates[6])}/s, ${median(copyThroughputRatios).toFixed(2)}x the floor's (by round: ${copyThroughputRatios.map((r) => r.toFixed(2)).join(', ')})`,
    );
    const [hubLoad, floorLoad] = [throughputCpu(1), throughputCpu(5)];
    console.log(
      `CPU per call in the throughput runs (medians): this hub ${hubLoad.serverCpuMsPerCall} ms with ${hubLoad.clientCpuMsPerCall} ms in the clients and ${hubLoad.storesCpuMsPerCall} ms in Redis + PostgreSQL; the floor ${floorLoad.serverCpuMsPerCall} ms with ${floorLoad.clientCpuMsPerCall} ms in the clients`,
    );
  } finally {
    redis.disconnect();
    await stopChild(floor.child);
    await stopChild(floorCopy.child);
    await stopChild(peer);
    await hub.stop();
  }
}

void main();
