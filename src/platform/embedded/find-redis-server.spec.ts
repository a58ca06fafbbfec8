import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer } from './embedded-redis';

describe('findRedisServer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'find-redis-'));
    await writeFile(join(dir, 'redis-server'), '#!/bin/sh\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('takes an executable redis-server from PATH first, then the fallbacks', async () => {
    await chmod(join(dir, 'redis-server'), 0o755);
    expect(findRedisServer(`/nonexistent:${dir}`, ['/elsewhere/redis-server'])).toBe(join(dir, 'redis-server'));
    expect(findRedisServer('/nonexistent', [join(dir, 'redis-server')])).toBe(join(dir, 'redis-server'));
  });

  it('skips a file that is not executable and finds nothing when no candidate is', async () => {
    await chmod(join(dir, 'redis-server'), 0o644);
    // root may execute any file with an x bit only; without one, access(X_OK) fails for everyone
    expect(findRedisServer(dir, [])).toBeUndefined();
    expect(findRedisServer('', [])).toBeUndefined();
  });
});
