import { NodeProcess } from '../support/hub-process';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';

describe('npm run worker (the platform without HTTP)', () => {
  const databaseUrl = freshDatabaseUrl();
  afterAll(() => dropDatabase(databaseUrl));

  it('boots, records itself as a worker instance and shuts down in order on SIGTERM', async () => {
    const worker = new NodeProcess('dist/src/worker.js', { DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `test-worker-${process.pid}:` });
    try {
      await worker.waitForLog((l) => l.context === 'Worker' && / ready$/.test(l.msg));
      const [instance] = await queryDatabase<{ role: string; pid: number }>(databaseUrl, 'SELECT role, pid FROM mcp_hub.hub_instances');
      expect(instance).toEqual({ role: 'worker', pid: worker.pid });

      worker.signal('SIGTERM');
      expect((await worker.exited).code).toBe(0);
      expect(worker.logs.filter((l) => l.level >= 50)).toEqual([]);
      expect(worker.logs.map((l) => l.msg)).toContain('Shutdown complete: ingress=ok producers=ok workers=ok flush=ok connections=ok database=ok');
    } finally {
      await worker.stop();
    }
  });
});
