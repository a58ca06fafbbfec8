/**
 * Malformed requests for every operation of the hub's OpenAPI document, from a seeded generator so a
 * failure replays with the same FUZZ_SEED. It grows with the API by itself: new operations, parameters
 * and body schemas are picked up from /api-docs-json. Every value is local: URLs point at 127.0.0.1.
 */
import { seededRandom } from '../../../src/ml/adapters/node/seeded-random';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What was mutated, to name a failure. */
  mutation: string;
}

interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean | Schema;
}

interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const LOCAL_URL = 'http://127.0.0.1:9/mcp';

/** Hostile strings: separators, traversal, control characters, injection, huge, prototype keys, numbers as text. */
const NASTY_STRINGS = [
  '',
  ' ',
  'a'.repeat(5000),
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  'a\u0000b',
  '\u0000',
  'a\r\nX-Injected: 1',
  'line\nbreak',
  '<script>alert(1)</script>',
  "' OR 1=1; DROP TABLE mcp_hub.api_keys; --",
  '"; SELECT pg_sleep(20); --',
  '%s%s%s%n',
  '${jndi:ldap://127.0.0.1/a}',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '1e308',
  '-1',
  '0',
  '99999999999999999999',
  'NaN',
  'Infinity',
  'true',
  'null',
  '[]',
  '{}',
  '00000000-0000-0000-0000-000000000000',
  '01234567-89ab-7def-8123-456789abcdef',
  'ünïcødé-名前-🙂',
  '\ud800',
  'memory',
  'memory__read_graph',
  'read_graph',
  'Production',
  'latest',
  'params.k > 1',
  'metrics.accuracy > abc',
  "params.a = 'x' and",
  'eyJpZCI6IjEiLCJ0Ijoie319',
  'bm90IGEgY3Vyc29y',
  '1970-01-01T00:00:00Z',
  '9999-99-99',
  LOCAL_URL,
  'local://../../etc/passwd',
  'file:///etc/passwd',
];

const NASTY_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 1.2345678901234568e29, [], {}, [null], { __proto__: { polluted: true } }, 'x'.repeat(100_000)];

/** Path segments that are malformed as URLs (bad percent-encoding) or as names. */
const NASTY_SEGMENTS = ['%ZZ', '%', '%00', '%0d%0a', '..', '.', '%2e%2e', encodeURIComponent('a/b'), 'a'.repeat(5000), encodeURIComponent('ünï 🙂'), '%E0%A4%A'];

export class RequestGenerator {
  private readonly random: () => number;

  constructor(
    private readonly document: OpenApiDocument,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** Every operation except the long-lived event streams, which never end by design. */
  operations(): { method: string; path: string; operation: Operation }[] {
    return Object.entries(this.document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method, operation]) => method !== 'parameters' && !(method === 'get' && this.isStream(operation)))
        .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    );
  }

  /** `count` malformed requests for one operation. */
  requests(method: string, path: string, operation: Operation, count: number): FuzzRequest[] {
    return Array.from({ length: count }, (_, i) => this.request(method, path, operation, i));
  }

  private request(method: string, path: string, operation: Operation, index: number): FuzzRequest {
    const params = operation.parameters ?? [];
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    const kinds = ['path', 'query', 'body', 'body', 'headers'].filter((kind) => (kind === 'body' ? bodySchema !== undefined || method !== 'GET' : kind === 'path' ? params.some((p) => p.in === 'path') : true));
    const kind = index === 0 ? 'valid' : kinds[Math.floor(this.random() * kinds.length)];
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    let body: string | undefined = bodySchema ? JSON.stringify(this.valid(this.resolve(bodySchema), 0)) : undefined;
    let mutation = kind;

    let url = path.replace(/\{[^}]+\}/g, () => (kind === 'path' ? this.nastySegment() : encodeURIComponent(this.pick(['memory', 'fuzz', '1', 'latest', '00000000-0000-0000-0000-000000000000']))));
    const query = new URLSearchParams();
    for (const param of params.filter((p) => p.in === 'query')) {
      if (kind === 'query') query.append(param.name, this.nastyString());
      else if (this.random() < 0.3) query.append(param.name, String(this.valid(this.resolve(param.schema ?? { type: 'string' }), 0)));
    }
    if (kind === 'query') {
      query.append(this.pick(['__proto__', 'constructor', 'limit', 'cursor', 'filter']), this.nastyString());
      if (this.random() < 0.3) for (const param of params.filter((p) => p.in === 'query').slice(0, 1)) query.append(param.name, this.nastyString());
    }
    const search = query.toString();
    if (search) url += `?${search}`;

    if (kind === 'body') ({ body, mutation } = this.mutatedBody(bodySchema ? this.resolve(bodySchema) : undefined));
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (kind === 'headers') mutation = this.mutateHeaders(headers);
    for (const param of params.filter((p) => p.in === 'header')) if (this.random() < 0.5) headers[param.name.toLowerCase()] = this.pick(['', 'x', 'a'.repeat(300), '00000000-0000-0000-0000-000000000000', 'a\tb']);
    return { method, path: url, headers, body, mutation: `${mutation} #${index}` };
  }

  private isStream(operation: Operation): boolean {
    return Object.values(operation.responses ?? {}).some((response) => Object.keys(response.content ?? {}).includes('text/event-stream'));
  }

  private mutatedBody(schema: Schema | undefined): { body: string; mutation: string } {
    const valid = schema ? this.valid(schema, 0) : {};
    const choice = Math.floor(this.random() * 9);
    switch (choice) {
      case 0:
        return { body: this.pick(['', '{', '{"a":', 'null', '[]', '"text"', '1', '{"a":1}}', '\u0000']), mutation: 'body: not JSON or not an object' };
      case 1:
        return { body: `{"deep":${'['.repeat(2000)}${']'.repeat(2000)}}`, mutation: 'body: deep nesting' };
      case 2:
        return { body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}', mutation: 'body: prototype keys' };
      default: {
        if (!valid || typeof valid !== 'object' || Array.isArray(valid)) return { body: JSON.stringify(this.nastyValue()), mutation: 'body: nasty value' };
        const fields = Object.keys(schema?.properties ?? {});
        const field = fields.length ? this.pick(fields) : 'unknownField';
        const record = valid as Record<string, unknown>;
        record[field] = choice % 2 === 0 ? this.nastyString() : this.nastyValue();
        if (choice === 8) delete record[field];
        return { body: JSON.stringify(record), mutation: `body: field ${field}` };
      }
    }
  }

  private mutateHeaders(headers: Record<string, string>): string {
    const choice = Math.floor(this.random() * 8);
    const set = (name: string, value: string) => ((headers[name] = value), `header ${name}: ${value.slice(0, 40)}`);
    switch (choice) {
      case 0:
        return set('content-type', this.pick(['application/json; charset=klingon', 'text/plain', 'application/xml', 'application/json; boundary=', ';;;']));
      case 1:
        return set('content-encoding', this.pick(['bogus', 'gzip', 'br, deflate', 'identity']));
      case 2:
        return set('authorization', this.pick(['Bearer ', 'Bearer mcphub_x', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'a'.repeat(4000)]));
      case 3:
        return set('x-api-key', this.pick(['', 'mcphub_' + 'z'.repeat(64), '\u00e9']));
      case 4:
        return set('mcp-protocol-version', this.pick(['', '1999-01-01', 'x'.repeat(200)]));
      case 5:
        return set('accept', this.pick(['', 'text/html', '*/*', 'application/json']));
      case 6:
        return set('last-event-id', this.pick(['', 'x', '_standalone_1', 'a'.repeat(1000)]));
      default:
        return set('mcp-session-id', this.pick(['', 'nope', '00000000-0000-0000-0000-000000000000']));
    }
  }

  /** A plausible value for the schema, local and small, so mutations reach past the first check. */
  private valid(schema: Schema, depth: number): unknown {
    if (depth > 4) return null;
    if (schema.enum?.length) return schema.enum[0];
    if (schema.oneOf?.length || schema.anyOf?.length) return this.valid(this.resolve((schema.oneOf ?? schema.anyOf)![0]), depth + 1);
    switch (schema.type) {
      case 'integer':
      case 'number':
        return schema.minimum ?? 1;
      case 'boolean':
        return false;
      case 'array':
        return schema.items ? [this.valid(this.resolve(schema.items), depth + 1)] : [];
      case 'object':
      case undefined: {
        if (!schema.properties) return {};
        const object: Record<string, unknown> = {};
        for (const [name, property] of Object.entries(schema.properties)) {
          if (schema.required?.includes(name) || this.random() < 0.3) object[name] = this.valid(this.resolve(property), depth + 1);
        }
        return object;
      }
      default:
        return schema.format === 'uri' || /url|uri/i.test(schema.format ?? '') ? LOCAL_URL : schema.format === 'uuid' ? '00000000-0000-0000-0000-000000000000' : 'fuzz';
    }
  }

  private resolve(schema: Schema): Schema {
    if (schema.$ref) return this.resolve(this.document.components?.schemas?.[schema.$ref.split('/').pop()!] ?? {});
    if (schema.allOf?.length === 1) return this.resolve(schema.allOf[0]);
    return schema;
  }

  private nastyString(): string {
    return this.pick(NASTY_STRINGS);
  }

  private nastyValue(): unknown {
    return this.random() < 0.5 ? this.nastyString() : this.pick(NASTY_VALUES);
  }

  private nastySegment(): string {
    if (this.random() < 0.5) return this.pick(NASTY_SEGMENTS);
    try {
      return encodeURIComponent(this.nastyString()) || '%20';
    } catch {
      return '%ED%A0%80'; // a lone surrogate, as UTF-8 bytes no decoder accepts
    }
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
}
