import { freePort } from '../support/free-port';
import { NodeProcess } from '../support/hub-process';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

const rowOf = (output: string, check: string) => output.split('\n').find((line) => line.startsWith(`│ ${check}`)) ?? '';

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
    expect(rowOf(output, 'Python (python3)')).toMatch(/│ no\s+│ (ok|FAIL)/);
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

  it('reports invalid configuration as failures', async () => {
    const run = new NodeProcess('dist/src/diagnose/diagnose.js', { PORT: '99999' });
    expect((await run.exited).code).toBe(1);
    expect(rowOf(run.output, 'config PORT')).toMatch(/FAIL .*"99999": must not be greater than 65535/);
  });
});
