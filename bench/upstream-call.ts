import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { EVERYTHING_BIN } from '../test/support/mcp-servers';
import { startHub } from './hub-runner';
import { median, percentile, report, summary, timeTakingTurns } from './support';
import { postJson } from './http-client';

/**
 * server-everything's `echo` over stdio: called directly with the SDK client (the baseline) and
 * through the hub's REST endpoint, alternating call by call in the same run. Target: the hub adds < 1 ms median.
 */
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = 100;

async function connectDirect(): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_BIN], stderr: 'ignore' }));
  return client;
}

async function startRestHub(): Promise<{ call: () => Promise<unknown>; stop: () => Promise<void> }> {
  const hub = await startHub(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []);
  const url = new URL(`http://127.0.0.1:${hub.port}/api/tools/everything/echo/call`);
  const call = async () => {
    const response = await postJson(url, '{"arguments":{"message":"bench"}}');
    if (response.status !== 200) throw new Error(`hub answered ${response.status}: ${response.body}`);
    return JSON.parse(response.body);
  };
  return { call, stop: hub.stop };
}

async function main(): Promise<void> {
  const client = await connectDirect();
  const running = await startRestHub();
  let baseline: number[];
  let hub: number[];
  try {
    [baseline, hub] = await timeTakingTurns([() => client.callTool({ name: 'echo', arguments: { message: 'bench' } }), running.call], CALLS, WARMUP);
  } finally {
    await client.close();
    await running.stop();
  }
  const added = median(hub) - median(baseline);
  report('upstream-call', [summary('direct SDK client (baseline)', baseline), summary('hub REST (POST /api/tools/everything/echo/call)', hub)], {
    addedMedianMs: Number(added.toFixed(3)),
    addedP99Ms: Number((percentile(hub, 99) - percentile(baseline, 99)).toFixed(3)),
    targetAddedMedianMs: 1,
  });
  console.log(`the hub adds ${added.toFixed(3)} ms at the median (target < 1 ms): ${added < 1 ? 'within' : 'OVER'} target`);
}

void main();
