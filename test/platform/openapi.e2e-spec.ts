import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jsonOf } from '../support/http';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';
import { HubProcess, ROOT } from '../support/hub-process';

const run = promisify(execFile);

type Schema = { $ref?: string; type?: string; format?: string; example?: unknown; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema; oneOf?: Schema[]; anyOf?: Schema[]; allOf?: Schema[] };
type Media = { schema?: Schema; example?: unknown };
type Operation = { tags?: string[]; security?: Record<string, string[]>[]; responses?: Record<string, { content?: Record<string, Media> }>; requestBody?: { content?: Record<string, Media> } };
type Document = { paths: Record<string, Record<string, Operation>>; tags?: { name: string; description?: string }[]; components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, Record<string, string>> } };

/** The example Swagger UI shows for a schema: declared examples first, else one built from the properties, "string" where nothing is given. */
function sampleOf(schema: Schema | undefined, document: Document, seen: string[] = []): unknown {
  if (!schema) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return seen.includes(name) ? {} : sampleOf(document.components.schemas[name], document, [...seen, name]);
  }
  const choice = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (choice) return sampleOf(choice, document, seen);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part, document, seen)));
  if (schema.enum) return schema.enum[0];
  if (schema.properties) return Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, sampleOf(value, document, seen)]));
  if (schema.type === 'array') return [sampleOf(schema.items, document, seen)];
  if (schema.type === 'string') return schema.format ? `<${schema.format}>` : 'string';
  return schema.type === 'object' ? {} : 0;
}

const shown = (media: Media, document: Document) => (media.example !== undefined ? media.example : sampleOf(media.schema, document));

/** Paths of "string" values, except under `type` keys, where it is a real column type (a model signature's `{ name: 'species', type: 'string' }`). */
function placeholders(value: unknown, path = ''): string[] {
  if (value === 'string' && !path.endsWith('.type')) return [path];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => placeholders(inner, `${path}.${key}`));
  return [];
}

describe('OpenAPI document (built hub, real PostgreSQL and Redis)', () => {
  const databaseUrl = freshDatabaseUrl();
  let hub: HubProcess;
  let document: Document;
  const operations = () => Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));

  beforeAll(async () => {
    hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `test-openapi-${process.pid}:`, DEBUG_ROUTES_ENABLED: 'true', AUTH_MODE: 'api-key' });
    document = await jsonOf(await fetch(hub.url('/api-docs-json')));
  });

  afterAll(async () => {
    await hub?.stop();
    await dropDatabase(databaseUrl);
  });

  it('declares a bearer and an X-API-Key scheme, required by every operation but the public health probes and OAuth callback', async () => {
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
    const both = [{ bearer: [] }, { 'api-key': [] }];
    for (const { path, method, operation } of operations()) {
      // a browser coming back from an authorization server brings no key: the callback checks its OAuth state
      const expected = path.startsWith('/api/health') || path === '/api/oauth/callback' ? [] : both;
      expect({ path, method, security: operation.security }).toEqual({ path, method, security: expected });
    }
    // as documented: every GET without path parameters answers 401 without a key unless it is public
    const gets = operations().filter(({ path, method }) => method === 'get' && !path.includes('{'));
    expect(gets.length).toBeGreaterThan(15);
    for (const { path, operation } of gets) {
      const response = await fetch(hub.url(path), { signal: AbortSignal.timeout(10_000) });
      await response.body?.cancel();
      expect({ path, unauthorized: response.status === 401 }).toEqual({ path, unauthorized: operation.security!.length > 0 });
    }

    // and a key given either way, as Swagger UI's Authorize sends it, is accepted
    const created = await run(process.execPath, [join(ROOT, 'dist/src/platform/auth/create-key.js'), '--name', 'swagger', '--scopes', 'read'], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl } });
    const key = created.stdout.trim();
    for (const headers of [{ authorization: `Bearer ${key}` }, { 'x-api-key': key }] as Record<string, string>[]) {
      expect({ headers: Object.keys(headers), status: (await fetch(hub.url('/api/servers'), { headers })).status }).toEqual({ headers: Object.keys(headers), status: 200 });
    }
  });

  it('shows each 4xx/5xx error response an example of its own status, with the code the hub sends', () => {
    const errors = operations().flatMap(({ path, method, operation }) =>
      Object.entries(operation.responses ?? {})
        .filter(([status, response]) => Number(status) >= 400 && response.content?.['application/json']?.schema?.$ref?.endsWith('/ErrorResponseDto'))
        .map(([status, response]) => ({ path, method, status: Number(status), example: shown(response.content!['application/json'], document) as Record<string, unknown> })),
    );
    expect(errors.length).toBeGreaterThan(100);
    for (const { path, method, status, example } of errors) {
      expect({ path, method, status, statusCode: example.statusCode, code: typeof example.code, requestId: typeof example.requestId }).toEqual({ path, method, status, statusCode: status, code: 'string', requestId: 'string' });
    }
    const codeOf = (path: string, method: string, status: number) => errors.find((e) => e.path === path && e.method === method && e.status === status)?.example.code;
    expect(codeOf('/api/servers/{name}', 'get', 404)).toBe('SERVER_NOT_FOUND');
    expect(codeOf('/api/ml/datasets', 'post', 409)).toBe('DATASET_NAME_TAKEN');
    // class-level decorators share one response object among operations: each still shows its own
    expect(codeOf('/api/ml/experiments/{idOrName}', 'get', 404)).toBe('EXPERIMENT_NOT_FOUND');
    expect(codeOf('/api/ml/runs/{id}', 'get', 404)).toBe('RUN_NOT_FOUND');
    expect(codeOf('/api/ml/training-jobs', 'post', 503)).toBe('ADAPTER_UNAVAILABLE');
    expect(codeOf('/api/keys', 'post', 401)).toBe('UNAUTHENTICATED');
    expect(codeOf('/api/tools/{server}/{tool}/call', 'post', 504)).toBe('UPSTREAM_TIMEOUT');
    // no longer one example copied everywhere
    expect(new Set(errors.map((e) => JSON.stringify(e.example))).size).toBeGreaterThan(10);
  });

  it('has no "string" placeholder in any request or response example', () => {
    const found = operations().flatMap(({ path, method, operation }) => {
      const media = [...Object.entries(operation.responses ?? {}).flatMap(([status, r]) => Object.entries(r.content ?? {}).map(([type, m]) => ({ where: `${status} ${type}`, m }))), ...Object.entries(operation.requestBody?.content ?? {}).map(([type, m]) => ({ where: `body ${type}`, m }))];
      return media.flatMap(({ where, m }) => placeholders(shown(m, document)).map((at) => `${method} ${path} ${where} ${at}`));
    });
    expect(found).toEqual([]);
  });

  it("resolves every $ref it holds (generated clients, as the web console's is, refuse a document that does not)", () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((name) => !document.components.schemas?.[name])).toEqual([]);
  });

  it('describes every tag an operation uses', () => {
    const used = new Set(operations().flatMap(({ operation }) => operation.tags ?? []));
    const described = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const tag of used) expect({ tag, description: described.get(tag) }).toEqual({ tag, description: expect.stringMatching(/\w{3,}/) });
  });
});
