import { connectRedisOnce } from '../redis/connect-once';
import { describeError } from '../errors/describe-error';
import { AppConfig } from '../config/app-config';
import { DEPENDENCY_HINTS, describeUrl } from '../dependency-hints';
import { DependencyUnavailableError } from '../errors/app-error';
import { prepareDatabase } from '../database/prepare-database';
import { retryUntil } from '../retry-until';

/** Waits for Redis to answer PING, up to timeoutMs. */
export async function waitForRedis(url: string, timeoutMs: number): Promise<void> {
  await retryUntil(
    async () => (await connectRedisOnce(url, Math.min(timeoutMs, 3000))).disconnect(),
    { timeoutMs },
  ).catch((error: Error) => {
    throw new DependencyUnavailableError('redis', `Redis at ${describeUrl(url)} is unreachable: ${describeError(error)}`, DEPENDENCY_HINTS.redis);
  });
}

/**
 * Before Nest builds anything: PostgreSQL (database and schema created when missing) and Redis must
 * answer within STARTUP_TIMEOUT_MS. Rejects with every failure, each with how to fix it.
 */
export async function preflight(config: AppConfig): Promise<void> {
  const results = await Promise.allSettled([
    prepareDatabase({
      url: config.database.url,
      schema: config.database.schema,
      createIfMissing: config.database.createIfMissing,
      timeoutMs: config.startup.timeoutMs,
    }),
    waitForRedis(config.redis.url, config.startup.timeoutMs),
  ]);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
  if (failures.length > 0) throw new PreflightError(failures);
}

export class PreflightError extends Error {
  constructor(readonly failures: Error[]) {
    super(
      failures
        .map((f) => {
          const hint = f instanceof DependencyUnavailableError ? f.hint : undefined;
          return `Cannot start: ${f.message}${hint ? `\n${hint}` : ''}`;
        })
        .join('\n\n') + '\n\nRun `npm run diagnose` for a full report.',
    );
  }
}
