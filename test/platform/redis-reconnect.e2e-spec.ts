import { jsonOf } from '../support/http';
import { freePort } from '../support/free-port';
import { HubProcess, sleep } from '../support/hub-process';
import { RedisServer } from '../support/redis-server';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

async function readinessUntil(hub: HubProcess, status: number): Promise<{ status: string; details: Record<string, { status: string }> }> {
  for (let i = 0; i < 200; i++) {
    const response = await fetch(hub.url('/api/health/ready'));
    if (response.status === status) return jsonOf(response);
    await sleep(100);
  }
  throw new Error(`readiness never answered ${status}`);
}

describe('Redis goes away and comes back', () => {
  const databaseUrl = freshDatabaseUrl();
  let redis: RedisServer;
  let hub: HubProcess | undefined;

  beforeAll(async () => {
    redis = new RedisServer(await freePort());
    await redis.start();
  });

  afterAll(async () => {
    await hub?.stop();
    await redis.stop();
    await dropDatabase(databaseUrl);
  });

  it('logs while Redis is away, reports not ready, and reconnects by itself', async () => {
    hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url });
    await readinessUntil(hub, 200);

    await redis.stop();
    await hub.waitForLog((l) => l.context === 'Redis' && /Redis commands connection to 127\.0\.0\.1:\d+ lost \d+ s ago; reconnecting in \d+ ms/.test(l.msg));
    const down = await readinessUntil(hub, 503);
    expect(down.details.redis.status).toBe('down');
    expect(down.details.postgres.status).toBe('up');

    await redis.start();
    await hub.waitForLog((l) => l.context === 'Redis' && /Redis commands connection to 127\.0\.0\.1:\d+ is back after \d+ ms/.test(l.msg));
    const up = await readinessUntil(hub, 200);
    expect(up.details.redis.status).toBe('up');

    const live = await fetch(hub.url('/api/health/live'));
    expect(live.status).toBe(200);
  });
});
