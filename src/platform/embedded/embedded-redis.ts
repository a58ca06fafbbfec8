import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { DependencyUnavailableError } from '../errors/app-error';
import { connectRedisOnce } from '../redis/connect-once';
import { redisVersionOf } from '../stores/core.probes';
import { EmbeddedServerSpec } from './embedded-server';
import { isProcessAlive, processName } from './process-identity';
import { readPasswordFile, writePasswordFile } from './password-file';
import { serverEnv } from './server-env';


export const REDIS_SERVER_MISSING_HINT = [
  'Install it and start again (the hub runs it itself):  apt-get install redis-server      # Debian/Ubuntu',
  'or start one with Docker:                            docker compose -f docker/docker-compose.yml up -d redis',
  'or set REDIS_URL to a Redis you run yourself.',
].join('\n');

/** `redis-server` on PATH, else /usr/bin/redis-server; undefined when neither is there. */
export function findRedisServer(path = process.env.PATH ?? '', fallbacks = ['/usr/bin/redis-server']): string | undefined {
  const candidates = [...path.split(delimiter).filter(Boolean).map((dir) => join(dir, 'redis-server')), ...fallbacks];
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** A config value in redis.conf's quoting. */
const quoted = (value: string) => JSON.stringify(value);

/** The machine's redis-server, data (append-only file) in `dataDir`, bound to 127.0.0.1 with a password. */
export function embeddedRedisSpec(dataDir: string): EmbeddedServerSpec {
  const readPassword = () => readPasswordFile(dataDir);
  return {
    kind: 'redis',
    dataDir,
    stopSignal: 'SIGTERM',
    hint: REDIS_SERVER_MISSING_HINT,
    password: readPassword,

    async assertDataDirFree() {
      const pid = Number((await readFile(join(dataDir, 'redis.pid'), 'utf8').catch(() => '')).trim());
      // redis-server overwrites a pid file left by one that died; a reused pid names another program
      if (isProcessAlive(pid) && (processName(pid) ?? 'redis-server') === 'redis-server') {
        throw new DependencyUnavailableError(
          'redis',
          `redis-server (pid ${pid}) already runs on ${dataDir}, but no hub process started it (${dataDir}.json does not name it)`,
          `Stop it (kill ${pid}) and start again, or point REDIS_URL at it.`,
        );
      }
    },

    async prepare() {
      if (!findRedisServer()) {
        throw new DependencyUnavailableError('redis', 'REDIS_URL is unset, no Redis answers at REDIS_PROBE_URL, and redis-server is not installed', REDIS_SERVER_MISSING_HINT);
      }
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      await chmod(dataDir, 0o700);
      const existing = await readPassword();
      if (existing) return { password: existing, initialised: false };
      const password = randomBytes(24).toString('base64url');
      await writePasswordFile(dataDir, password);
      return { password, initialised: true };
    },

    async launch(port, password, logFd): Promise<ChildProcess> {
      const config = join(dataDir, 'redis.conf');
      // written on every start (the port may change); the password stays out of the process list
      await writeFile(
        config,
        [
          `bind 127.0.0.1`,
          `port ${port}`,
          `protected-mode yes`,
          `daemonize no`,
          `dir ${quoted(dataDir)}`,
          `pidfile ${quoted(join(dataDir, 'redis.pid'))}`,
          `logfile ""`,
          `appendonly yes`,
          `requirepass ${quoted(password)}`,
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      return spawn(findRedisServer()!, [config], { cwd: dataDir, env: serverEnv(), detached: true, stdio: ['ignore', logFd, logFd] });
    },

    url: (port, password) => `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,

    async probe(url) {
      const redis = await connectRedisOnce(url, 2000);
      try {
        return redisVersionOf(await redis.info('server')) ?? 'unknown';
      } finally {
        redis.disconnect();
      }
    },
  };
}
