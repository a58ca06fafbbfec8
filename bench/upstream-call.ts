import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { freePort } from '../test/support/free-port';
import { EVERYTHING_BIN } from '../test/support/mcp-servers';
import { dropDatabase, freshDatabaseUrl } from '../test/support/test-database';
import { median, percentile, report } from './support';
import { postJson } from './http-client';

/**
 * server-everything's `echo` over stdio: called directly with the SDK client (the baseline) and
 * through the hub's REST endpoint, alternating call by call in the same run. Target: the hub adds < 1 ms median.
 */
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = 100;
const ROOT = join(__dirname, '..');

/** Alternates the two calls so both see the same machine conditions (the other processes, GC, CPU frequency). */
async function timeInterleaved(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  for (let i = 0; i < WARMUP; i++) {
    await a();
    await b();
  }
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    for (const [call, samples] of (i % 2 ? [[a, samplesA], [b, samplesB]] : [[b, samplesB], [a, samplesA]]) as [() => Promise<unknown>, number[]][]) {
      const started = performance.now();
      await call();
      samples.push(performance.now() - started);
    }
  }
  return [samplesA, samplesB];
}

async function connectDirect(): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_BIN], stderr: 'ignore' }));
  return client;
}

interface RunningHub {
  call: () => Promise<unknown>;
  stop: () => Promise<void>;
}

async function startHub(): Promise<RunningHub> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-hub-'));
  const databaseUrl = freshDatabaseUrl();
  const port = await freePort();
  await writeFile(join(dir, 'servers.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }));
  const hub = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, MCP_SERVERS_CONFIG: join(dir, 'servers.json'), NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  const url = new URL(`http://127.0.0.1:${port}/api/tools/everything/echo/call`);
  const call = async () => {
    const response = await postJson(url, '{"arguments":{"message":"bench"}}');
    if (response.status !== 200) throw new Error(`hub answered ${response.status}: ${response.body}`);
    return JSON.parse(response.body);
  };
  for (let i = 0; ; i++) {
    if (await call().then(() => true, () => false)) break;
    if (i > 600) throw new Error('the hub never served echo');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    call,
    stop: async () => {
      hub.kill('SIGTERM');
      await new Promise((r) => hub.once('exit', r));
      await rm(dir, { recursive: true, force: true });
      await dropDatabase(databaseUrl);
    },
  };
}

async function main(): Promise<void> {
  const client = await connectDirect();
  const running = await startHub();
  let baseline: number[];
  let hub: number[];
  try {
    [baseline, hub] = await timeInterleaved(() => client.callTool({ name: 'echo', arguments: { message: 'bench' } }), running.call);
  } finally {
    await client.close();
    await running.stop();
  }
  const row = (subject: string, samples: number[]) => ({
    subject,
    calls: samples.length,
    'median ms': Number(median(samples).toFixed(3)),
    'p99 ms': Number(percentile(samples, 99).toFixed(3)),
    'mean ms': Number((samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(3)),
  });
  const added = median(hub) - median(baseline);
  report('upstream-call', [row('direct SDK client (baseline)', baseline), row('hub REST (POST /api/tools/everything/echo/call)', hub)], {
    addedMedianMs: Number(added.toFixed(3)),
    addedP99Ms: Number((percentile(hub, 99) - percentile(baseline, 99)).toFixed(3)),
    targetAddedMedianMs: 1,
  });
  console.log(`the hub adds ${added.toFixed(3)} ms at the median (target < 1 ms): ${added < 1 ? 'within' : 'OVER'} target`);
}

void main();
