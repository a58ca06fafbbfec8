import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { submitJob, waitForJob } from '../support/ml';

interface RunJson {
  id: string;
  experimentId: string;
  name: string | null;
  status: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  createdAt: string;
  trainingJobId: string | null;
}

describe("run search like MLflow's search_runs, and the registry over MCP", () => {
  let fixture: HubFixture;
  let artifactsDir: string;
  let all: RunJson[];
  const jobs: Record<string, string> = {};

  const search = async (filter: string, experiments = 'search-a,search-b') => {
    const response = await fixture.api.get(`/api/ml/runs?experiments=${experiments}&filter=${encodeURIComponent(filter)}`);
    expect(response).toMatchObject({ status: 200 });
    return (response.body as RunJson[]).map((r) => r.id).sort();
  };
  const ids = (pick: (run: RunJson) => boolean) => all.filter(pick).map((r) => r.id).sort();

  beforeAll(async () => {
    artifactsDir = await mkdtemp(join(tmpdir(), 'search-artifacts-'));
    fixture = await HubFixture.start('ml-search', { mcpServers: {} }, { env: { ARTIFACTS_DIR: artifactsDir } });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    for (const [experiment, algorithm] of [['search-a', 'cart'], ['search-a', 'knn'], ['search-b', 'naive_bayes'], ['search-b', 'cart']]) {
      const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm, dataset: 'iris', target: 'species', experiment })).id);
      jobs[`${experiment}/${algorithm}`] = job.id;
    }
    const manual = (await fixture.api.send('POST', '/api/ml/experiments/search-b/runs', { name: 'by hand', params: { algorithm: 'external', note: 'a and b' }, tags: { 'team name': 'vision' } })).body;
    await fixture.api.send('POST', `/api/ml/runs/${manual.id}/finish`, { status: 'FAILED' });
    await fixture.api.send('POST', '/api/ml/experiments/search-a/runs', { name: 'still open', params: { algorithm: 'knn' } });
    await fixture.api.send('POST', '/api/ml/experiments', { name: 'search-c' });
    await fixture.api.send('POST', '/api/ml/experiments/search-c/runs', { name: 'elsewhere', params: { algorithm: 'cart' } });
    all = [...(await fixture.api.get('/api/ml/experiments/search-a/runs')).body, ...(await fixture.api.get('/api/ml/experiments/search-b/runs')).body];
    expect(all).toHaveLength(6);
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('searches several experiments at once by attributes.status, attributes.start_time and attributes.run_name', async () => {
    expect(await search('')).toEqual(ids(() => true));
    expect(await search("attributes.status = 'FINISHED'")).toEqual(ids((r) => r.status === 'finished'));
    expect((await search("attributes.status = 'FINISHED'")).length).toBe(4);
    expect(await search("attributes.status IN ('FAILED', 'RUNNING')")).toEqual(ids((r) => r.status !== 'finished'));
    expect(await search("attributes.status != 'finished'")).toEqual(ids((r) => r.status !== 'finished'));
    const middle = [...all].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[3].createdAt;
    expect(await search(`attributes.start_time >= ${Date.parse(middle)}`)).toEqual(ids((r) => r.createdAt >= middle));
    expect(await search(`attributes.start_time < '${middle}'`)).toEqual(ids((r) => r.createdAt < middle));
    expect(await search("attributes.run_name LIKE 'node/%'")).toEqual(ids((r) => r.trainingJobId !== null));
    expect(await search('attributes.end_time > 0')).toEqual(ids((r) => r.status !== 'running'));
  });

  it('LIKE, ILIKE, IN, NOT IN and != on params and tags; quoted values and backticked keys', async () => {
    expect(await search("params.algorithm LIKE 'c%'")).toEqual(ids((r) => r.params.algorithm === 'cart'));
    expect(await search("params.algorithm ILIKE 'KN_'")).toEqual(ids((r) => r.params.algorithm === 'knn'));
    expect(await search("params.algorithm IN ('cart', 'naive_bayes')")).toEqual(ids((r) => ['cart', 'naive_bayes'].includes(r.params.algorithm)));
    expect(await search("params.algorithm NOT IN ('cart', 'naive_bayes') and params.adapter = 'node'")).toEqual(ids((r) => r.params.algorithm === 'knn' && r.params.adapter === 'node'));
    expect(await search("params.adapter != 'node'")).toEqual(ids((r) => r.params.adapter !== 'node'));
    expect(await search("params.note = 'a and b' and tags.`team name` = 'vision'")).toEqual(ids((r) => r.name === 'by hand'));
    expect(await search("params.algorithm = 'knn'", 'search-a')).toEqual(ids((r) => r.params.algorithm === 'knn'));
    expect(await search("params.algorithm = 'cart'", 'search-a,search-c')).toHaveLength(2);
    // a value is a value, never SQL
    expect(await search(`params.algorithm = "cart' OR '1'='1"`)).toEqual([]);
    expect((await fixture.api.get(`/api/ml/runs?experiments=search-a&filter=${encodeURIComponent("params.algorithm LIKE '%'' OR 1=1 --'")}`)).body.details[0].field).toBe('filter');
  });

  it('answers 400 naming the field for what it cannot read, and 404 for an unknown experiment', async () => {
    const bad = async (query: string, field: string) => expect(await fixture.api.get(`/api/ml/runs?${query}`)).toMatchObject({ status: 400, body: { details: expect.arrayContaining([expect.objectContaining({ field })]) } });
    await bad(`experiments=search-a&filter=${encodeURIComponent("attributes.status = 'DONE'")}`, 'filter');
    await bad(`experiments=search-a&filter=${encodeURIComponent("metrics.accuracy LIKE '0.9%'")}`, 'filter');
    await bad(`experiments=search-a&filter=${encodeURIComponent("params.a IN ('x'")}`, 'filter');
    await bad(`experiments=search-a&filter=${encodeURIComponent('attributes.start_time > soon')}`, 'filter');
    await bad('filter=', 'experiments');
    await bad('experiments=a,,b', 'experiments');
    expect(await fixture.api.get('/api/ml/runs?experiments=search-a,nope')).toMatchObject({ status: 404, body: { details: { id: 'nope' } } });
  });

  it('MCP: ml__search_runs, ml__register_model and ml__set_alias; an unknown argument is named', async () => {
    const client = new Client({ name: 'search-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fixture.hub.url('/mcp'))));
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['ml__search_runs', 'ml__register_model', 'ml__set_alias']));
      const found = (await client.callTool({ name: 'ml__search_runs', arguments: { experiments: ['search-a', 'search-b'], filter: "attributes.status = 'FINISHED' and params.algorithm = 'cart'", orderBy: 'metrics.accuracy desc' } })).structuredContent as { runs: RunJson[] };
      expect(found.runs.map((r) => r.id).sort()).toEqual(ids((r) => r.status === 'finished' && r.params.algorithm === 'cart'));
      const refused = await client.callTool({ name: 'ml__search_runs', arguments: { experiments: ['search-a'], filter: "attributes.owner = 'me'" } });
      expect(refused.isError).toBe(true);
      expect(refused.structuredContent).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'filter', reason: expect.stringContaining('is not an attribute') }] });

      const registered = await client.callTool({ name: 'ml__register_model', arguments: { name: 'mcp-model', jobId: jobs['search-a/cart'], description: 'via MCP' } });
      expect(registered.structuredContent).toMatchObject({ name: 'mcp-model', version: 1, stage: 'None', trainingJobId: jobs['search-a/cart'], runId: expect.any(String) });
      expect((await client.callTool({ name: 'ml__register_model', arguments: { name: 'mcp-model', jobId: jobs['search-b/cart'] } })).structuredContent).toMatchObject({ version: 2 });
      expect((await client.callTool({ name: 'ml__register_model', arguments: { name: 'mcp-model', jobId: jobs['search-a/cart'] } })).structuredContent).toMatchObject({ error: 'JOB_ALREADY_REGISTERED' });
      const aliased = await client.callTool({ name: 'ml__set_alias', arguments: { name: 'mcp-model', alias: 'champion', version: 2, reason: 'better' } });
      expect(aliased.structuredContent).toEqual({ name: 'mcp-model', aliases: { champion: 2 } });
      expect((await fixture.api.get('/api/ml/models/mcp-model/versions/champion')).body.version).toBe(2);
      expect((await client.callTool({ name: 'ml__set_alias', arguments: { name: 'mcp-model', alias: 'champion', version: 9 } })).structuredContent).toMatchObject({ error: 'MODEL_VERSION_NOT_FOUND' });
      const history = (await fixture.api.get('/api/ml/models/mcp-model/history')).body as { action: string; reason: string | null }[];
      expect(history.map((h) => h.action)).toEqual(['version_created', 'version_created', 'alias_set']);

      const unknown = await client.callTool({ name: 'ml__compare_runs', arguments: { ids: [all[0].id, all[1].id], run_ids: [all[2].id] } });
      expect(unknown.isError).toBe(true);
      expect(unknown.structuredContent).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'run_ids' }] });
      expect((unknown.structuredContent as { message: string }).message).toContain('run_ids');
      const misnamed = await client.callTool({ name: 'ml__compare_runs', arguments: { run_ids: [all[0].id, all[1].id] } });
      expect((misnamed.structuredContent as { details: { field: string }[] }).details.map((d) => d.field).sort()).toEqual(['ids', 'run_ids']);
    } finally {
      await client.close();
    }
  });
});
