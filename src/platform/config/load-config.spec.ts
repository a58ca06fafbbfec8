import { hostname } from 'node:os';
import { ConfigError, ENV_VARIABLES, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('gives other replicas this host\'s name to reach a hub bound beyond loopback, unless HUB_INTERNAL_URL says where', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '4000', AUTH_MODE: 'api-key' }).http.internalUrl).toBe(`http://${hostname()}:4000`);
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'api-key', HUB_INTERNAL_URL: 'http://10.0.3.7:3456' }).http.internalUrl).toBe('http://10.0.3.7:3456');
    expect(() => loadConfig({ HUB_INTERNAL_URL: 'http://10.0.3.7:3456/hub' })).toThrow(/HUB_INTERNAL_URL="http:\/\/10.0.3.7:3456\/hub": must be an http:\/\/ or https:\/\/ URL without a path/);
  });

  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3456, internalUrl: 'http://127.0.0.1:3456' });
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/mcp_hub');
    expect(config.database.schema).toBe('mcp_hub');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.mongo).toBeUndefined();
    expect(config.qdrant).toBeUndefined();
    expect(config.s3).toBeUndefined();
    expect(config.log.pretty).toBe(false);
  });

  it('tells a set DATABASE_URL / REDIS_URL from an unset one, which falls back to the probe URL', () => {
    const unset = loadConfig({ DATABASE_PROBE_URL: 'postgres://postgres@127.0.0.1:6543/hub' });
    expect(unset.database).toMatchObject({ url: 'postgres://postgres@127.0.0.1:6543/hub', urlSet: false });
    expect(unset.redis).toMatchObject({ url: 'redis://127.0.0.1:6379', urlSet: false });
    expect(unset.embedded).toEqual({ mode: 'auto', dataDir: './var' });

    const set = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mcp_hub', REDIS_URL: 'redis://127.0.0.1:6379', EMBEDDED_SERVICES: 'off' });
    expect(set.database).toMatchObject({ url: 'postgres://postgres@127.0.0.1:5432/mcp_hub', urlSet: true });
    expect(set.redis).toMatchObject({ url: 'redis://127.0.0.1:6379', urlSet: true });
    expect(set.embedded.mode).toBe('off');

    const started = unset.withServiceUrls({ database: 'postgres://postgres:pw@127.0.0.1:40000/hub' });
    expect(started.database).toMatchObject({ url: 'postgres://postgres:pw@127.0.0.1:40000/hub', urlSet: false, schema: 'mcp_hub' });
    expect(started.redis).toBe(unset.redis);
    expect(started).toBeInstanceOf(unset.constructor);
    expect(() => loadConfig({ EMBEDDED_SERVICES: 'always' })).toThrow(/EMBEDDED_SERVICES="always"/);
  });

  it('refuses an empty DATABASE_URL or REDIS_URL instead of falling back as if it were unset, naming each', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: '', REDIS_URL: '  ', PORT: 'abc' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'PORT', 'REDIS_URL']);
    expect(problems.find((p) => p.variable === 'REDIS_URL')).toMatchObject({ value: '', problem: 'is set but empty' });
    expect((error as ConfigError).message).toContain('DATABASE_URL="": is set but empty; expected a postgres:// or postgresql:// URL, or no DATABASE_URL line at all');
    // other variables still read empty as unset
    expect(loadConfig({ MONGODB_URI: '', PORT: '' }).http.port).toBe(3456);
  });

  it('converts numbers and booleans', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_MIGRATIONS_RUN: 'no', DEBUG_ROUTES_ENABLED: 'TRUE' });
    expect(config.http.port).toBe(8080);
    expect(config.database.migrationsRun).toBe(false);
    expect(config.debugRoutes).toBe(true);
  });

  it('lists every bad variable, one problem each, with what is expected', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', REDIS_URL: 'nonsense', DATABASE_POOL_MAX: '0', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_POOL_MAX', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    const port = problems.find((p) => p.variable === 'PORT')!;
    expect(port.value).toBe('abc');
    expect(port.problem).toContain('integer');
    expect(port.expected).toBe('an integer from 1 to 65535');
    const lines = (error as ConfigError).message.split('\n').slice(1);
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes('REDIS_URL'))).toContain('redis://');
  });

  it('never prints a secret it rejects: key-like variables masked whole, passwords in URLs masked', () => {
    let error: unknown;
    try {
      loadConfig({ SECRETS_ENCRYPTION_KEY: 'too-short-but-secret', DATABASE_URL: 'mysql://hub:db-password@127.0.0.1/hub' });
    } catch (e) {
      error = e;
    }
    const message = (error as ConfigError).message;
    expect(message).toContain('SECRETS_ENCRYPTION_KEY="********"');
    expect(message).toContain('DATABASE_URL="mysql://hub:********@127.0.0.1/hub"');
    expect(message).not.toMatch(/too-short-but-secret|db-password/);
    expect(loadConfig({ SECRETS_ENCRYPTION_KEY: 'a'.repeat(64), MCP_UPSTREAM_MAX_MESSAGE_BYTES: '1048576' })).toMatchObject({
      secrets: { encryptionKey: 'a'.repeat(64) },
      mcp: { upstreamMaxMessageBytes: 1048576 },
    });
  });

  it('turns optional stores on only when configured', () => {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:27017/hub',
      QDRANT_URL: 'http://127.0.0.1:6333',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_ACCESS_KEY: 'minio',
      S3_SECRET_KEY: 'minio-secret',
    });
    expect(config.mongo?.uri).toBe('mongodb://127.0.0.1:27017/hub');
    expect(config.qdrant?.url).toBe('http://127.0.0.1:6333');
    expect(config.s3?.endpoint.port).toBe('9000');
    expect(config.s3?.bucket).toBe('mcp-hub-artifacts');
  });

  it('requires S3 keys when an S3 endpoint is set', () => {
    expect(() => loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(/S3_ACCESS_KEY[^\n]*required[\s\S]*S3_SECRET_KEY/);
  });

  it('pretty-prints logs in development unless told otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).log.pretty).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).log.pretty).toBe(false);
  });

  it('describes every variable', () => {
    for (const [name, spec] of ENV_VARIABLES) {
      expect(spec.description.length).toBeGreaterThan(5);
      expect(name).toMatch(/^[A-Z][A-Z0-9_]+$/);
    }
  });
});

describe('log format', () => {
  it('is pretty on a terminal, JSON for a collector, and LOG_FORMAT decides when set', () => {
    expect(loadConfig({}, true).log.pretty).toBe(true);
    expect(loadConfig({}, false).log.pretty).toBe(false);
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).log.pretty).toBe(false);
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).log.pretty).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }, false).log.pretty).toBe(true);
  });
});
