import type Redis from 'ioredis';
import { TELEMETRY_GROUP, fieldPairs } from '../../src/telemetry/telemetry-stream';
import { sleep } from './hub-process';

/** XINFO GROUPS of the telemetry consumer group on this stream (name, lag, pending, entries-read, …); undefined before it exists. */
export async function telemetryGroup(redis: Redis, stream: string): Promise<Map<string, unknown> | undefined> {
  const groups = (await redis.xinfo('GROUPS', stream).catch(() => [])) as unknown[][];
  return groups.map((fields) => new Map(fieldPairs(fields))).find((group) => group.get('name') === TELEMETRY_GROUP);
}

/** Resolves once the consumer group has read and acknowledged every entry of the stream (lag and pending 0); throws after `timeoutMs`. */
export async function telemetryStored(redis: Redis, stream: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    const group = await telemetryGroup(redis, stream);
    // lag is nil when Redis cannot tell (entries deleted from the middle of the stream): not caught up
    if (group?.get('lag') === 0 && group.get('pending') === 0) return;
  }
  throw new Error(`the telemetry consumer group never caught up with ${stream}`);
}
