import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';
import { dropDatabase, freshDatabaseUrl } from '../test/support/test-database';
import { median, report } from './support';
import { HUB_NODE_FLAGS } from './hub-runner';

/**
 * Time from process start to a 200 on the readiness URL, and resident memory after 3 s idle:
 * the built hub (database already migrated, no upstream servers) against a bare Node.js HTTP server
 * (the baseline) in the same run.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROOT = join(__dirname, '..');

const BASELINE = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`;

async function measure(kind: 'hub' | 'baseline', databaseUrl: string): Promise<{ readyMs: number; rssMb: number }> {
  const port = await freePort();
  const args = kind === 'hub' ? [...HUB_NODE_FLAGS, join(ROOT, 'dist/src/main.js')] : ['-e', BASELINE];
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  try {
    const url = kind === 'hub' ? `http://127.0.0.1:${port}/api/health/ready` : `http://127.0.0.1:${port}/`;
    for (;;) {
      const ok = await fetch(url).then((r) => r.ok, () => false);
      if (ok) break;
      if (child.exitCode !== null) throw new Error(`${kind} exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 3000));
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
    return { readyMs, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  const databaseUrl = freshDatabaseUrl();
  // a database that has seen its first boot: creating it and running the migrations is a one-off
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, [join(ROOT, 'dist/src/platform/database/migrate.js')], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'ignore' }).once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`migrate exited with ${code}`)),
    ),
  );
  const results: Record<string, { readyMs: number[]; rssMb: number[] }> = { baseline: { readyMs: [], rssMb: [] }, hub: { readyMs: [], rssMb: [] } };
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const kind of ['baseline', 'hub'] as const) {
        const { readyMs, rssMb } = await measure(kind, databaseUrl);
        results[kind].readyMs.push(readyMs);
        results[kind].rssMb.push(rssMb);
        process.stderr.write(`run ${run}/${RUNS} ${kind}: ready ${readyMs.toFixed(0)} ms, idle RSS ${rssMb.toFixed(1)} MB\n`);
      }
    }
  } finally {
    await dropDatabase(databaseUrl);
  }
  const rows = Object.entries(results).map(([subject, r]) => ({
    subject,
    'ready ms (median)': Math.round(median(r.readyMs)),
    'ready ms (max)': Math.round(Math.max(...r.readyMs)),
    'idle RSS MB (median)': Number(median(r.rssMb).toFixed(1)),
    'idle RSS MB (max)': Number(Math.max(...r.rssMb).toFixed(1)),
  }));
  report('startup', rows, { runs: RUNS, targets: { idleRssMb: 150 } });
  const hubRss = median(results.hub.rssMb);
  console.log(`hub idle RSS ${hubRss.toFixed(1)} MB against a target of 150 MB: ${hubRss < 150 ? 'within' : 'OVER'} target`);
}

void main();
