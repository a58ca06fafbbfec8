import Redis from 'ioredis';

/** One connection attempt, no reconnects; rejects with the socket's real error (e.g. ECONNREFUSED). */
export async function connectRedisOnce(url: string, timeoutMs: number): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error));
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw lastError ?? error;
  }
}
