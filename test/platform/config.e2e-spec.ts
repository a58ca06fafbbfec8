import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { NodeProcess } from '../support/hub-process';

/** A TCP listener standing in for PostgreSQL and Redis that only counts who connects. */
async function connectionCounter(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port, connections: () => count };
}

describe('configuration is validated before anything connects', () => {
  it('exits 1 listing PORT and REDIS_URL, one line each, without opening a connection', async () => {
    const counter = await connectionCounter();
    try {
      const hub = new NodeProcess('dist/src/main.js', {
        PORT: 'abc',
        REDIS_URL: 'nonsense',
        DATABASE_URL: `postgres://postgres@127.0.0.1:${counter.port}/mcp_hub`,
      });
      const { code } = await hub.exited;
      expect(code).toBe(1);
      const problemLines = hub.stderr.filter((line) => /^ {2}[A-Z_]+=/.test(line));
      expect(problemLines).toEqual([
        '  PORT="abc": must be an integer number; expected an integer from 1 to 65535',
        '  REDIS_URL="nonsense": is not a URL starting with redis:// or rediss://; expected a redis:// or rediss:// URL',
      ]);
      expect(counter.connections()).toBe(0);
    } finally {
      counter.server.close();
    }
  });

  it('an empty DATABASE_URL= or REDIS_URL= is an error naming it, not a silent fall-back to the probe URL or an embedded server', async () => {
    const counter = await connectionCounter();
    const dataDir = join(tmpdir(), `hub-empty-urls-${process.pid}`);
    try {
      const hub = new NodeProcess('dist/src/main.js', {
        DATABASE_URL: '',
        REDIS_URL: '',
        DATABASE_PROBE_URL: `postgres://postgres@127.0.0.1:${counter.port}/mcp_hub`,
        REDIS_PROBE_URL: `redis://127.0.0.1:${counter.port}`,
        EMBEDDED_DATA_DIR: dataDir,
      });
      const { code } = await hub.exited;
      expect(code).toBe(1);
      const problemLines = hub.stderr.filter((line) => /^ {2}[A-Z_]+=/.test(line));
      expect(problemLines).toEqual([
        '  DATABASE_URL="": is set but empty; expected a postgres:// or postgresql:// URL, or no DATABASE_URL line at all (unset: DATABASE_PROBE_URL, else embedded)',
        '  REDIS_URL="": is set but empty; expected a redis:// or rediss:// URL, or no REDIS_URL line at all (unset: REDIS_PROBE_URL, else embedded)',
      ]);
      expect(counter.connections()).toBe(0);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      counter.server.close();
    }
  });

  it('fails fast with how to start PostgreSQL and Redis when they are unreachable', async () => {
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    const hub = new NodeProcess('dist/src/main.js', {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/mcp_hub`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      STARTUP_TIMEOUT_MS: '1000',
    });
    const { code } = await hub.exited;
    expect(code).toBe(1);
    const output = hub.stderr.join('\n');
    expect(output).toContain(`PostgreSQL at 127.0.0.1:${pgPort}/mcp_hub is unreachable: connect ECONNREFUSED`);
    expect(output).toContain(`Redis at 127.0.0.1:${redisPort} is unreachable: connect ECONNREFUSED`);
    expect(output).toContain('docker compose -f docker/docker-compose.yml up -d postgres');
    expect(output).toContain('pg_ctlcluster');
    expect(output).toContain('redis-server --daemonize yes');
    expect(output).toContain('npm run diagnose');
  });
});
