import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HubFixture } from '../support/hub-fixture';
import { EVERYTHING_BIN } from '../support/mcp-servers';

/**
 * No embedding model can run on the machine the tests run on, so this stands in for an
 * OpenAI-compatible embeddings API: each text becomes counts over a few concepts, synonyms alike.
 */
const CONCEPTS = [
  ['add', 'sum', 'plus', 'total', 'addition'],
  ['echo', 'repeat', 'parrot', 'say'],
  ['long', 'wait', 'duration', 'progress', 'slow'],
  ['image', 'picture', 'png', 'photo'],
];
const embed = (text: string) => [...CONCEPTS.map((words) => text.toLowerCase().split(/[^a-z]+/).filter((w) => words.includes(w)).length), 0.01];

describe('hub__search_tools with embeddings (EMBEDDING_URL) in the in-process vector index', () => {
  let fixture: HubFixture;
  let server: Server;
  const requests: { model: string; inputs: number; authorization?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const { model, input } = JSON.parse(body) as { model: string; input: string[] };
        requests.push({ model, inputs: input.length, authorization: req.headers.authorization });
        res.writeHead(req.url === '/v1/embeddings' ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    fixture = await HubFixture.start(
      'tool-embeddings',
      { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } },
      { env: { EMBEDDING_URL: url, EMBEDDING_MODEL: 'concepts-v1', EMBEDDING_API_KEY: 'k-123' }, ready: ['everything'] },
    );
  });

  afterAll(async () => {
    await fixture?.stop();
    server?.close();
  });

  async function search(query: string): Promise<{ method: string; tools: { name: string; score: number }[] }> {
    const client = new Client({ name: 'embeddings-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    try {
      return (await client.callTool({ name: 'hub__search_tools', arguments: { query, limit: 3 } })).structuredContent as { method: string; tools: { name: string; score: number }[] };
    } finally {
      await client.close();
    }
  }

  it('ranks tools by embedding similarity, finding them by words their descriptions do not use', async () => {
    let found = await search('plus');
    for (let i = 0; i < 50 && found.method !== 'embeddings'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      found = await search('plus');
    }
    expect(found.method).toBe('embeddings');
    expect(found.tools[0].name).toBe('everything__get-sum');
    expect(found.tools[0].score).toBeGreaterThan(found.tools[1].score);
    expect((await search('parrot')).tools[0].name).toBe('everything__echo');
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.every((r) => r.model === 'concepts-v1' && r.authorization === 'Bearer k-123')).toBe(true);
    // the catalog was embedded in batches, and only once
    const catalogInputs = requests.filter((r) => r.inputs > 1).reduce((n, r) => n + r.inputs, 0);
    const tools = ((await fixture.api.get('/api/tools')).body as unknown[]).length;
    expect(catalogInputs).toBeLessThanOrEqual(tools);
  });

  it('falls back to BM25 when the embeddings API is gone', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    const found = await search('sum of two numbers');
    expect(found.method).toBe('bm25');
    expect(found.tools[0].name).toBe('everything__get-sum');
  });
});
