import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { NodeProcess } from '../support/hub-process';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

const rowOf = (output: string, check: string) => output.split('\n').find((line) => line.startsWith(`│ ${check}`)) ?? '';
/** The last column of a row, its wrapped lines joined. */
const detailOf = (output: string, check: string) => {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`│ ${check}`));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('│'));
  return lines.slice(start, end).map((line) => line.split('│').at(-2)!.trim()).join(' ');
};

describe('npm run diagnose', () => {
  const databaseUrl = freshDatabaseUrl();
  afterAll(() => dropDatabase(databaseUrl));

  it('prints status, version and latency of every dependency and exits 0 when the required ones answer', async () => {
    const run = new NodeProcess('dist/src/diagnose/diagnose.js', { DATABASE_URL: databaseUrl, PYTHON_BIN: 'python3' });
    const { code } = await run.exited;
    const output = run.output;
    expect(code).toBe(0);
    expect(rowOf(output, 'PostgreSQL')).toMatch(/│ yes\s+│ warn\s+│ \d+/);
    expect(output).toContain('database does not exist yet');
    expect(rowOf(output, 'Redis')).toMatch(/│ yes\s+│ ok\s+│ \d+\.\d+\.\d+\s+│ [\d.]+ ms/);
    for (const optional of ['MongoDB', 'Qdrant', 'MinIO / S3']) expect(rowOf(output, optional)).toMatch(/│ no\s+│ disabled/);
    expect(rowOf(output, 'Python ')).toMatch(/│ no\s+│ (ok|warn|FAIL)/);
    expect(detailOf(output, 'Python ')).toMatch(/^interpreter python3 \(PYTHON_BIN\)/);
    for (const module of ['numpy', 'pandas', 'sklearn', 'torch']) expect(rowOf(output, `  python: ${module}`)).toMatch(/│ (ok|missing)/);
  });

  it('exits 1 with a hint when a required dependency fails, and checks configured optional ones', async () => {
    const [redisPort, qdrantPort] = [await freePort(), await freePort()];
    const run = new NodeProcess('dist/src/diagnose/diagnose.js', {
      DATABASE_URL: databaseUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      QDRANT_URL: `http://127.0.0.1:${qdrantPort}`,
      PYTHON_BIN: '/nonexistent/python',
    });
    const { code } = await run.exited;
    const output = run.output;
    expect(code).toBe(1);
    expect(rowOf(output, 'Redis')).toMatch(/│ yes\s+│ FAIL .*ECONNREFUSED/);
    expect(output).toContain('redis-server --daemonize yes');
    expect(rowOf(output, 'Qdrant')).toMatch(/│ no\s+│ FAIL/);
    expect(rowOf(output, 'Python')).toMatch(/│ no\s+│ FAIL/);
    expect(output).toContain('Redis failed: the hub cannot start until fixed.');
  });

  it('with PYTHON_BIN unset, names the interpreter it found and the ones it tried', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-python-'));
    try {
      // python3 first on PATH, without site-packages: it lacks the modules, /usr/bin/python3 has them.
      await writeFile(join(dir, 'python3'), '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
      await chmod(join(dir, 'python3'), 0o755);
      const run = new NodeProcess('dist/src/diagnose/diagnose.js', { DATABASE_URL: databaseUrl, PATH: `${dir}:${process.env.PATH}` });
      await run.exited;
      expect(rowOf(run.output, 'Python ')).toMatch(/│ no\s+│ ok\s+│ 3\.\d+/);
      expect(detailOf(run.output, 'Python ')).toMatch(/^interpreter \/usr\/bin\/python3 \(PYTHON_BIN unset; tried python3 \(missing numpy, pandas, sklearn, torch\), \/usr\/bin\/python3 \(Python 3\.\d+/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports invalid configuration as failures', async () => {
    const run = new NodeProcess('dist/src/diagnose/diagnose.js', { PORT: '99999' });
    expect((await run.exited).code).toBe(1);
    expect(rowOf(run.output, 'config PORT')).toMatch(/FAIL .*"99999": must not be greater than 65535/);
  });
});
