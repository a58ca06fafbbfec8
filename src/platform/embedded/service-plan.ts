import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { EmbeddedKind } from './embedded-server';
import { embeddedPostgresSpec, postgresBinaries } from './embedded-postgres';
import { embeddedRedisSpec, findRedisServer } from './embedded-redis';
import { embeddedDataDir, ServiceMode, wantsEmbedded } from './embedded-services';
import { isSameProcessRunning } from './process-identity';
import { readServerState } from './server-state';

/** Which server a hub started now would use for PostgreSQL or Redis, without starting anything (for `npm run diagnose`). */
export interface ServicePlan {
  mode: ServiceMode;
  /** One line: where it is and why. */
  summary: string;
  /** The URL to check now: the external server's, or a running embedded server's. Undefined when nothing runs yet. */
  url?: string;
  /** Embedded, not running: the problem that would stop it from starting (no binaries, no redis-server). */
  problem?: string;
}

export async function planService(config: AppConfig, kind: EmbeddedKind): Promise<ServicePlan> {
  const service = kind === 'postgres' ? config.database : config.redis;
  const variable = kind === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL';
  if (service.urlSet) return { mode: 'external', summary: `external (${variable})`, url: service.url };
  if (!(await wantsEmbedded(config, kind))) {
    const why = config.embedded.mode === 'off' ? 'EMBEDDED_SERVICES=off' : 'it answers there';
    return { mode: 'external', summary: `external (${variable} unset: the probe URL, ${why})`, url: service.url };
  }
  const dataDir = embeddedDataDir(config, kind);
  const spec = kind === 'postgres' ? embeddedPostgresSpec(dataDir, new URL(service.url).pathname.slice(1) || 'mcp_hub') : embeddedRedisSpec(dataDir);
  const state = await readServerState(`${dataDir}.json`);
  const password = await spec.password();
  if (state.server && state.port && password && isSameProcessRunning(state.server)) {
    return { mode: 'embedded', summary: `embedded, running (pid ${state.server.pid}, data ${dataDir})`, url: spec.url(state.port, password) };
  }
  const exists = kind === 'postgres' ? existsSync(join(dataDir, 'PG_VERSION')) : existsSync(dataDir);
  const data = exists ? `data ${dataDir}` : `data ${dataDir}, created on the first start`;
  if (kind === 'postgres') {
    try {
      postgresBinaries();
    } catch (error) {
      return { mode: 'embedded', summary: `embedded, cannot start (${data})`, problem: (error as Error).message };
    }
    return { mode: 'embedded', summary: `embedded: the hub starts PostgreSQL from the embedded-postgres package (${data})` };
  }
  const binary = findRedisServer();
  if (!binary) return { mode: 'embedded', summary: `embedded, cannot start (${data})`, problem: 'redis-server is not installed' };
  return { mode: 'embedded', summary: `embedded: the hub starts ${binary} (${data})` };
}
