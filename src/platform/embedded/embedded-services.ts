import { resolve } from 'node:path';
import { AppConfig } from '../config/app-config';
import { PreflightError } from '../boot/preflight';
import { describeUrl } from '../dependency-hints';
import { EmbeddedKind, EmbeddedServer, startOrShareServer } from './embedded-server';
import { embeddedPostgresSpec } from './embedded-postgres';
import { embeddedRedisSpec } from './embedded-redis';
import { answersAt } from './local-ports';

export type ServiceMode = 'embedded' | 'external';

/** How long the probe URL may take to accept a TCP connection before "nothing answers there". */
const PROBE_TIMEOUT_MS = 1000;
/** initdb plus the first start take a few seconds; a slow disk gets more room than STARTUP_TIMEOUT_MS's default. */
const MIN_START_TIMEOUT_MS = 60_000;

/** The servers this process started or shares, and how each required service is reached. */
export class EmbeddedServices {
  private readonly servers: EmbeddedServer[];
  private readonly onExit = () => this.servers.forEach((server) => server.signalStop());

  constructor(
    readonly postgres?: EmbeddedServer,
    readonly redis?: EmbeddedServer,
    /** One line per service whose URL was unset, for the log: which server it ended up using. */
    readonly notes: string[] = [],
  ) {
    this.servers = [postgres, redis].filter((s): s is EmbeddedServer => s !== undefined);
    // a process.exit() that skips the ordered shutdown still stops the servers no one else uses (they finish on their own)
    if (this.servers.length > 0) process.once('exit', this.onExit);
  }

  static none(): EmbeddedServices {
    return new EmbeddedServices();
  }

  get all(): EmbeddedServer[] {
    return [...this.servers];
  }

  mode(kind: EmbeddedKind): ServiceMode {
    return this[kind] ? 'embedded' : 'external';
  }

  async stopAll(timeoutMs: number): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop(timeoutMs)));
    process.removeListener('exit', this.onExit);
  }
}

/** Whether the hub should run this service itself: URL unset, EMBEDDED_SERVICES=auto, nothing at the probe URL. */
export async function wantsEmbedded(config: AppConfig, kind: EmbeddedKind): Promise<boolean> {
  const service = kind === 'postgres' ? config.database : config.redis;
  if (service.urlSet || config.embedded.mode === 'off') return false;
  return !(await answersAt(service.url, PROBE_TIMEOUT_MS));
}

export function embeddedDataDir(config: AppConfig, kind: EmbeddedKind): string {
  return resolve(config.embedded.dataDir, kind);
}

/**
 * Before anything connects: for PostgreSQL and Redis (or only those in `kinds`) whose URL is unset and
 * where nothing answers at the probe URL, starts (or shares) an embedded server, and returns the
 * configuration with their URLs. Rejects with every failure; a server started here is stopped again then.
 */
export async function startEmbeddedServices(
  config: AppConfig,
  options: { kinds?: EmbeddedKind[]; progress?: (line: string) => void } = {},
): Promise<{ config: AppConfig; services: EmbeddedServices }> {
  const kinds = options.kinds ?? ['postgres', 'redis'];
  const progress = options.progress ?? (() => undefined);
  const timeoutMs = Math.max(config.startup.timeoutMs, MIN_START_TIMEOUT_MS);
  const notes: string[] = [];
  const start = async (kind: EmbeddedKind): Promise<EmbeddedServer | undefined> => {
    if (!kinds.includes(kind) || !(await wantsEmbedded(config, kind))) {
      const service = kind === 'postgres' ? config.database : config.redis;
      if (kinds.includes(kind) && !service.urlSet) {
        const variable = kind === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL';
        notes.push(`${variable} is unset: using the ${kind === 'postgres' ? 'PostgreSQL' : 'Redis'} at ${describeUrl(service.url)} (external${config.embedded.mode === 'off' ? '; EMBEDDED_SERVICES=off' : ', it answers there'})`);
      }
      return undefined;
    }
    const dataDir = embeddedDataDir(config, kind);
    const spec = kind === 'postgres' ? embeddedPostgresSpec(dataDir, new URL(config.database.url).pathname.slice(1) || 'mcp_hub') : embeddedRedisSpec(dataDir);
    return startOrShareServer(spec, timeoutMs, progress);
  };
  const [postgres, redis] = await Promise.allSettled([start('postgres'), start('redis')]);
  const failures = [postgres, redis].flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  const services = new EmbeddedServices(
    postgres.status === 'fulfilled' ? postgres.value : undefined,
    redis.status === 'fulfilled' ? redis.value : undefined,
    notes,
  );
  if (failures.length > 0) {
    await services.stopAll(5000).catch(() => undefined);
    throw new PreflightError(failures);
  }
  return { config: config.withServiceUrls({ database: services.postgres?.url, redis: services.redis?.url }), services };
}
