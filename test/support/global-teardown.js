// Removes the Redis keys end-to-end tests wrote under their own `test-…:` prefixes, and this run's marker files.
const { rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const Redis = require('ioredis');

module.exports = async function globalTeardown() {
  if (process.env.MCP_HUB_TEST_RUN) rmSync(join(tmpdir(), `mcp-hub-python-stack-${process.env.MCP_HUB_TEST_RUN}`), { force: true });
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'test-*', 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis gone already: nothing to clean
  } finally {
    redis.disconnect();
  }
};
