import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResult, Tool, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { HubProcess, ROOT, sleep } from '../support/hub-process';
import { Json } from '../support/http';
import { IRIS_FEATURES, PYTHON_BIN, submitJob, waitForJob } from '../support/ml';

/** Rows of a CSV file as objects, numbers as numbers, without the target column. */
async function rowsOf(file: string, target: string, count: number): Promise<Record<string, unknown>[]> {
  const [header, ...lines] = (await readFile(join(ROOT, file), 'utf8')).trim().split('\n');
  const columns = header.split(',');
  return lines.slice(0, count).map((line) => Object.fromEntries(line.split(',').flatMap((value, i) => (columns[i] === target ? [] : [[columns[i], Number(value)]]))));
}

describe('registered models as MCP tools: model__<name> and ml__predict', () => {
  let fixture: HubFixture;
  let artifactsDir: string;
  const hubs: HubProcess[] = [];
  const clients: Client[] = [];
  let iris: Record<string, unknown>[];

  const connect = async (hub: HubProcess, path = '/mcp') => {
    const client = new Client({ name: 'model-tools', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(hub.url(path))));
    clients.push(client);
    return client;
  };
  const toolsOf = async (client: Client) => new Map((await client.listTools()).tools.map((t) => [t.name, t]));
  const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;
  const train = async (dataset: string, target: string, algorithm: string, seed: number) => {
    const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm, dataset, target, seed })).id);
    expect(job.status).toBe('succeeded');
    return job.id as string;
  };
  const restPredict = async (model: string, rows: unknown[], ref?: string) => {
    const response = await fixture.api.send('POST', `/api/ml/models/${model}/predict${ref ? `?ref=${ref}` : ''}`, { instances: rows });
    expect(response.status).toBe(200);
    return response.body;
  };
  /** Another hub on the same database, Redis prefix and artifacts. */
  const anotherHub = async (env: Record<string, string>) => {
    const hub = await HubProcess.start({ DATABASE_URL: fixture.databaseUrl, MCP_SERVERS_CONFIG: fixture.serversFile, REDIS_KEY_PREFIX: `test-model-tools-${process.pid}:`, PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, TRAINING_WORKER_ENABLED: 'false', TELEMETRY_CONSUMER_ENABLED: 'false', MCP_MODEL_TOOL_ALIASES: 'champion', ...env });
    hubs.push(hub);
    return hub;
  };

  beforeAll(async () => {
    artifactsDir = await mkdtemp(join(tmpdir(), 'model-tools-artifacts-'));
    fixture = await HubFixture.start(
      'model-tools',
      { mcpServers: {}, profiles: { models: { servers: ['ml'], tools: { include: ['model__*'] } } } },
      { env: { PYTHON_BIN, ARTIFACTS_DIR: artifactsDir, MCP_MODEL_TOOL_ALIASES: 'champion', TRAINING_CONCURRENCY: '2' } },
    );
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/diabetes.csv', name: 'diabetes' });
    const [cart, bayes, linear] = await Promise.all([train('iris', 'species', 'cart', 1), train('iris', 'species', 'naive_bayes', 2), train('diabetes', 'progression', 'linear_regression', 3)]);
    expect((await fixture.api.send('POST', '/api/ml/models', { name: 'iris-classifier', description: 'Iris species from flower measurements' })).status).toBe(201);
    for (const job of [cart, bayes]) expect((await fixture.api.send('POST', '/api/ml/models/iris-classifier/versions', { jobId: job })).status).toBe(201);
    expect((await fixture.api.send('POST', '/api/ml/models/diabetes.progression/versions', { jobId: linear })).status).toBe(201);
    iris = await rowsOf('data/sample.csv', 'species', 150);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(hubs.map((h) => h.stop()));
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('a model appears as its own tool once it has a Production version (or a configured alias), typed by its signature', async () => {
    const client = await connect(fixture.hub);
    expect([...(await toolsOf(client)).keys()].filter((n) => n.startsWith('model__'))).toEqual([]);
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed++);

    expect((await fixture.api.send('POST', '/api/ml/models/iris-classifier/versions/1/stage', { stage: 'Production' })).status).toBe(200);
    expect((await fixture.api.send('PUT', '/api/ml/models/diabetes.progression/aliases/champion', { version: 1 })).status).toBe(200);
    // two changes, one or two notifications: list until both tools are there
    let tools = new Map<string, Tool>();
    for (let i = 0; i < 200 && !(tools.has('model__iris-classifier') && tools.has('model__diabetes_progression')); i++) {
      if (changed > 0) tools = await toolsOf(client);
      await sleep(25);
    }
    expect(changed).toBeGreaterThan(0);
    const irisTool = tools.get('model__iris-classifier')!;
    expect(irisTool.inputSchema).toEqual({
      type: 'object',
      properties: {
        rows: {
          type: 'array',
          items: { type: 'object', properties: Object.fromEntries(IRIS_FEATURES.map((f) => [f, { type: ['number', 'null'] }])), required: IRIS_FEATURES, additionalProperties: false },
          minItems: 1,
          maxItems: expect.any(Number),
          description: 'The rows to predict, one object per row',
        },
      },
      required: ['rows'],
      additionalProperties: false,
    });
    expect(irisTool.title).toBe('iris-classifier v1 (Production)');
    expect(irisTool.description).toContain('"iris-classifier", version 1 (the Production version)');
    expect(irisTool.description).toContain('Iris species from flower measurements');
    expect(irisTool.description).toContain('Classification into setosa, versicolor, virginica');
    expect(irisTool.description).toMatch(/Validation metrics: accuracy 0\.\d+/);
    expect(irisTool.outputSchema).toMatchObject({ required: ['model', 'predictions', 'probabilities'] });
    expect(irisTool.annotations).toMatchObject({ readOnlyHint: true });

    const diabetes = tools.get('model__diabetes_progression')!;
    expect(diabetes.description).toContain('version 1 (alias "champion")');
    expect(diabetes.description).toContain('Regression');
    const columns = (diabetes.inputSchema.properties!.rows as { items: { properties: Record<string, { type: string[] }> } }).items.properties;
    const profile = ((await fixture.api.get('/api/ml/datasets/diabetes')).body.columns as { name: string; type: string }[]).filter((c) => c.name !== 'progression');
    expect(new Set(profile.map((c) => c.type))).toEqual(new Set(['integer', 'number']));
    expect(Object.keys(columns)).toEqual(profile.map((c) => c.name));
    for (const column of profile) expect(columns[column.name]).toEqual({ type: [column.type, 'null'] });
    expect(tools.has('ml__predict')).toBe(true);
  });

  it('calling model__<name> answers what REST predicts for the same rows, with the version', async () => {
    const client = await connect(fixture.hub);
    await client.listTools();
    const rows = iris.filter((_, i) => i % 10 === 0);
    const result = (await client.callTool({ name: 'model__iris-classifier', arguments: { rows } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const rest = await restPredict('iris-classifier', rows);
    expect(result.structuredContent).toEqual({ model: { name: 'iris-classifier', version: 1 }, predictions: rest.predictions, probabilities: rest.probabilities });
    expect((result.structuredContent as Json).predictions).toHaveLength(15);
    expect(JSON.parse(text(result))).toEqual(result.structuredContent);

    const diabetesRows = await rowsOf('data/diabetes.csv', 'progression', 5);
    const regression = (await client.callTool({ name: 'model__diabetes_progression', arguments: { rows: diabetesRows } })) as CallToolResult;
    expect(regression.structuredContent).toEqual({ model: { name: 'diabetes.progression', version: 1 }, ...(await pick(restPredict('diabetes.progression', diabetesRows, 'champion'))) });
    expect((regression.structuredContent as Json).predictions.every((p: unknown) => typeof p === 'number')).toBe(true);
  });

  it('a row that does not fit is an isError result naming the row and the column; so is an unknown model', async () => {
    const client = await connect(fixture.hub);
    await client.listTools();
    const wrongType = (await client.callTool({ name: 'model__iris-classifier', arguments: { rows: [iris[0], { ...iris[1], petal_width: 'wide' }] } })) as CallToolResult;
    expect(wrongType.isError).toBe(true);
    expect(JSON.parse(text(wrongType))).toMatchObject({ error: 'VALIDATION_FAILED', message: 'rows[1].petal_width: must be number or null', details: [{ field: 'rows[1].petal_width' }] });
    const extra = (await client.callTool({ name: 'model__iris-classifier', arguments: { rows: [{ ...iris[0], colour: 'blue' }] } })) as CallToolResult;
    expect(JSON.parse(text(extra)).details).toEqual([{ field: 'rows[0].colour', reason: 'must NOT have additional properties' }]);

    const { petal_length: _dropped, ...missing } = iris[2];
    const viaPredict = (await client.callTool({ name: 'ml__predict', arguments: { model: 'iris-classifier', rows: [iris[0], iris[1], missing] } })) as CallToolResult;
    expect(viaPredict.isError).toBe(true);
    expect(text(viaPredict)).toContain('rows[2].petal_length');
    const asInstances = (await client.callTool({ name: 'ml__predict', arguments: { model: 'iris-classifier', instances: [{ ...iris[0], sepal_width: 'narrow' }] } })) as CallToolResult;
    expect(asInstances.isError).toBe(true);
    expect(JSON.parse(text(asInstances)).details[0]).toMatchObject({ field: 'instances[0].sepal_width', reason: expect.stringContaining('number') });

    const unknown = (await client.callTool({ name: 'ml__predict', arguments: { model: 'no-such-model', rows: [iris[0]] } })) as CallToolResult;
    expect(unknown.isError).toBe(true);
    expect(JSON.parse(text(unknown))).toMatchObject({ error: 'MODEL_NOT_FOUND', message: expect.stringContaining('no-such-model') });
    const unknownRef = (await client.callTool({ name: 'ml__predict', arguments: { model: 'iris-classifier', ref: '99', rows: [iris[0]] } })) as CallToolResult;
    expect(unknownRef.isError).toBe(true);
    expect(text(unknownRef)).toContain('iris-classifier/99');
  });

  it('ml__predict runs any version by ref, as REST does', async () => {
    const client = await connect(fixture.hub);
    const rows = iris.slice(45, 60);
    const second = (await client.callTool({ name: 'ml__predict', arguments: { model: 'iris-classifier', ref: '2', rows } })) as CallToolResult;
    expect(second.isError).toBeFalsy();
    expect(second.structuredContent).toEqual({ model: { name: 'iris-classifier', version: 2 }, ...(await pick(restPredict('iris-classifier', rows, '2'))) });
    const probabilities = (second.structuredContent as Json).probabilities as Record<string, number>[];
    expect(probabilities).toHaveLength(15);
    expect(Object.keys(probabilities[0]).sort()).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('promoting another version sends list_changed; the tool then describes and runs the new version, on every hub instance', async () => {
    const other = await anotherHub({});
    const clientHere = await connect(fixture.hub);
    const clientThere = await connect(other);
    for (const client of [clientHere, clientThere]) expect((await toolsOf(client)).get('model__iris-classifier')!.title).toBe('iris-classifier v1 (Production)');
    const changed = [0, 0];
    clientHere.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed[0]++);
    clientThere.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed[1]++);

    expect((await fixture.api.send('POST', '/api/ml/models/iris-classifier/versions/2/stage', { stage: 'Production', reason: 'naive bayes beats cart' })).status).toBe(200);
    for (let i = 0; i < 200 && changed.includes(0); i++) await sleep(25);
    expect(changed.every((n) => n > 0)).toBe(true);
    for (const client of [clientHere, clientThere]) {
      const tool = (await toolsOf(client)).get('model__iris-classifier')!;
      expect(tool.title).toBe('iris-classifier v2 (Production)');
      expect(tool.description).toContain('version 2 (the Production version)');
      // traffic moves once the new version is loaded (at once here, within the serving runtime's re-check elsewhere)
      let version = 0;
      for (let i = 0; i < 100 && version !== 2; i++) {
        const result = (await client.callTool({ name: 'model__iris-classifier', arguments: { rows: iris.slice(0, 3) } })) as CallToolResult;
        expect(result.isError).toBeFalsy();
        version = (result.structuredContent as Json).model.version;
        if (version !== 2) await sleep(100);
      }
      expect(version).toBe(2);
    }

    // a deleted model takes its tool with it
    changed[0] = 0;
    expect((await fixture.api.send('DELETE', '/api/ml/models/diabetes.progression')).status).toBe(204);
    for (let i = 0; i < 200 && changed[0] === 0; i++) await sleep(25);
    expect((await toolsOf(clientHere)).has('model__diabetes_progression')).toBe(false);
  });

  it('a profile whose servers list ml sees the model tools its globs allow', async () => {
    const client = await connect(fixture.hub, '/mcp/profiles/models');
    const names = [...(await toolsOf(client)).keys()];
    expect(names).toContain('model__iris-classifier');
    expect(names.filter((n) => n.startsWith('ml__'))).toEqual([]);
    const result = (await client.callTool({ name: 'model__iris-classifier', arguments: { rows: [iris[0]] } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
  });

  it('MCP_MODEL_TOOLS=false: no model__ tools, ml__predict still there', async () => {
    const hub = await anotherHub({ MCP_MODEL_TOOLS: 'false' });
    const client = await connect(hub);
    const tools: Tool[] = (await client.listTools()).tools;
    expect(tools.filter((t) => t.name.startsWith('model__'))).toEqual([]);
    const result = (await client.callTool({ name: 'ml__predict', arguments: { model: 'iris-classifier', rows: [iris[0]] } })) as CallToolResult;
    expect((result.structuredContent as Json).model).toEqual({ name: 'iris-classifier', version: 2 });
    const refused = (await client.callTool({ name: 'model__iris-classifier', arguments: { rows: [iris[0]] } }).catch((error: Error) => error)) as Error;
    expect(refused.message).toContain('Unknown tool: model__iris-classifier');
  });
});

async function pick(body: Promise<Json>): Promise<{ predictions: unknown; probabilities: unknown }> {
  const { predictions, probabilities } = await body;
  return { predictions, probabilities };
}
