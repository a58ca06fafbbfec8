import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { assignVariant, unitPosition } from '../../src/ml/ab-tests/ab-assignment';
import { Json } from '../support/http';
import { HubProcess, NodeProcess, ROOT, sleep } from '../support/hub-process';
import { PYTHON_BIN } from '../support/ml';
import { fixedSample, scipy } from '../support/scipy';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

const run = promisify(execFile);

type Response = { status: number; body: Json };

/** Runs `work` over `items`, `parallel` at a time. */
async function inParallel<T, R>(items: T[], parallel: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  }));
  return results;
}

const EXPECTED = String.raw`
import json, sys, math
from scipy import stats
data = json.load(sys.stdin)
alpha = data['alpha']
out = {}
if 'welch' in data:
    control, treatment = data['welch']
    r = stats.ttest_ind(treatment, control, equal_var=False)
    out['welch'] = {'statistic': float(r.statistic), 'pValue': float(r.pvalue)}
    out['t'] = [list(stats.t.interval(1 - alpha, len(xs) - 1, loc=sum(xs) / len(xs), scale=stats.sem(xs))) for xs in data['welch']]
if 'z' in data:
    (x1, n1), (x2, n2) = data['z']
    pooled = (x1 + x2) / (n1 + n2)
    z = (x2 / n2 - x1 / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    out['z'] = {'statistic': z, 'pValue': 2 * stats.norm.sf(abs(z))}
    out['wilson'] = [[ci.low, ci.high] for ci in (stats.binomtest(x, n).proportion_ci(1 - alpha, method='wilson') for x, n in data['z'])]
counts, weights = data['srm']
r = stats.chisquare(counts, [sum(counts) * w / sum(weights) for w in weights])
out['srm'] = {'chiSquare': float(r.statistic), 'pValue': float(r.pvalue)}
print(json.dumps(out))
`;

/**
 * A/B tests against the built hub, real PostgreSQL and Redis, node models trained by the hub, and
 * scipy for the expected statistics. API keys are on, so the audit trail names who concluded.
 */
describe('A/B tests of model versions', () => {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `test-ab-tests-${process.pid}:`;
  let hub: HubProcess;
  let replica: HubProcess;
  let artifactsDir: string;
  let admin: string;
  let reader: string;
  let env: Record<string, string>;
  const clients: Client[] = [];

  const call = async (method: string, path: string, body?: unknown, key = admin, on: HubProcess = hub): Promise<Response> => {
    const response = await fetch(on.url(path), {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const create = (body: Record<string, unknown>, key = admin) => call('POST', '/api/ml/ab-tests', body, key);
  const assign = (test: string, unitId: string, on: HubProcess = hub) => call('POST', `/api/ml/ab-tests/${test}/assignments`, { unitId }, reader, on);
  const outcome = (test: string, unitId: string, value: unknown) => call('POST', `/api/ml/ab-tests/${test}/outcomes`, { unitId, value }, reader);
  const results = async (test: string) => (await call('GET', `/api/ml/ab-tests/${test}/results`, undefined, reader)).body;
  const twoVariants = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    model: 'iris-ab',
    variants: [
      { name: 'control', ref: 'production', weight: 1 },
      { name: 'treatment', ref: '2', weight: 1 },
    ],
    metric: { kind: 'proportion', name: 'converted' },
    ...extra,
  });
  const mcpClient = async (key: string) => {
    const client = new Client({ name: 'ab-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(hub.url('/mcp')), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    clients.push(client);
    return client;
  };
  const toolJson = (result: unknown) => JSON.parse(((result as CallToolResult).content[0] as { text: string }).text) as Json;

  beforeAll(async () => {
    artifactsDir = await mkdtemp(join(tmpdir(), 'ab-artifacts-'));
    admin = (await run(process.execPath, [join(ROOT, 'dist/src/platform/auth/create-key.js'), '--name', 'release-bot', '--scopes', 'admin'], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl } })).stdout.trim();
    env = {
      DATABASE_URL: databaseUrl,
      MCP_SERVERS_CONFIG: join(ROOT, 'test/support/no-such-servers.json'),
      REDIS_KEY_PREFIX: prefix,
      AUTH_MODE: 'api-key',
      RATE_LIMIT_PER_MINUTE: '0',
      ARTIFACTS_DIR: artifactsDir,
      PYTHON_BIN,
    };
    hub = await HubProcess.start(env);
    replica = await HubProcess.start({ ...env, TRAINING_WORKER_ENABLED: 'false', TELEMETRY_CONSUMER_ENABLED: 'false' });
    reader = (await call('POST', '/api/keys', { name: 'storefront', scopes: ['read', 'mcp'] })).body.key;
    await call('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    for (const algorithm of ['cart', 'knn']) {
      const job = (await call('POST', '/api/ml/training-jobs', { adapter: 'node', algorithm, dataset: 'iris', target: 'species', registerAs: 'iris-ab' })).body;
      for (let i = 0; i < 600 && (await call('GET', `/api/ml/training-jobs/${job.id}`)).body.status !== 'succeeded'; i++) await sleep(100);
    }
    for (let i = 0; i < 100 && (await call('GET', '/api/ml/models/iris-ab')).body.versions?.length !== 2; i++) await sleep(100);
    expect((await call('POST', '/api/ml/models/iris-ab/versions/1/stage', { stage: 'Production' })).status).toBe(200);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all([hub?.stop(), replica?.stop()]);
    await dropDatabase(databaseUrl);
    if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
  });

  it('refuses a test that breaks a rule, naming the field or the variant; pins each ref to a version', async () => {
    const field = async (body: Record<string, unknown>) => {
      const response = await create(body);
      expect(response.status).toBe(400);
      return (response.body.details as { field: string; reason: string }[]).map((d) => d.field);
    };
    expect(await field({ ...twoVariants('bad'), variants: [{ name: 'control', ref: '1', weight: 1 }] })).toContain('variants');
    expect(await field({ ...twoVariants('bad'), variants: [{ name: 'control', ref: '1', weight: 1 }, { name: 'Control', ref: '2', weight: 1 }] })).toEqual(['variants[1].name']);
    expect(await field({ ...twoVariants('bad'), variants: [{ name: 'control', ref: '1', weight: 1 }, { name: 'treatment', ref: '2', weight: 0 }] })).toEqual(['variants.1.weight']);
    const unknownRef = await create({ ...twoVariants('bad'), variants: [{ name: 'control', ref: '1', weight: 1 }, { name: 'treatment', ref: '9', weight: 1 }] });
    expect(unknownRef.body.details).toEqual([{ field: 'variants[1].ref', reason: expect.stringContaining('"9" is no version, alias or stage of model "iris-ab" (versions: 2, 1)') }]);
    expect(await field({ ...twoVariants('bad'), metric: { kind: 'median', name: 'x' } })).toEqual(['metric.kind']);
    expect(await field(twoVariants('bad', { minimumDetectableEffect: 1.5 }))).toEqual(['minimumDetectableEffect']);
    expect(await field(twoVariants('bad', { alpha: 0 }))).toEqual(['alpha']);
    expect(await create({ ...twoVariants('bad'), model: 'no-such-model' })).toMatchObject({ status: 404, body: { code: 'MODEL_NOT_FOUND' } });

    const created = await create(twoVariants('pinned', { minimumDetectableEffect: 0.05 }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'pinned',
      model: 'iris-ab',
      status: 'running',
      alpha: 0.05,
      power: 0.8,
      createdBy: 'key:release-bot',
      variants: [
        { name: 'control', ref: 'production', version: 1, weight: 1, control: true },
        { name: 'treatment', ref: '2', version: 2, weight: 1, control: false },
      ],
    });
    expect(await create(twoVariants('pinned'))).toMatchObject({ status: 409, body: { code: 'AB_TEST_EXISTS' } });
    expect((await call('GET', '/api/ml/ab-tests/no-such-test/results', undefined, reader)).status).toBe(404);
  });

  // the same split over 10,000 units is src/ml/ab-tests/ab-assignment.spec.ts; here every answer of two hubs equals that function's
  it('assigns 2,000 units close to the weights, the same variant on every request and on another replica, recorded once', async () => {
    const created = await create({ ...twoVariants('split'), variants: [{ name: 'control', ref: '1', weight: 50 }, { name: 'treatment', ref: '2', weight: 30 }, { name: 'challenger', ref: '2', weight: 20 }] });
    const variants = created.body.variants as { name: string; weight: number }[];
    const units = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    // half the units arrive at one hub, half at the other
    const first = await inParallel(units, 16, (unitId) => assign('split', unitId, Number(unitId.slice(5)) % 2 ? replica : hub));
    expect(new Set(first.map((r) => r.status))).toEqual(new Set([200]));
    expect(first.every((r) => r.body.newAssignment === true)).toBe(true);
    // the variant is the hash's, whoever computes it
    expect(first.map((r) => r.body.variant)).toEqual(units.map((u) => assignVariant('split', u, variants).name));
    const again = await inParallel(units.slice(0, 500), 16, (unitId) => assign('split', unitId, Number(unitId.slice(5)) % 2 ? hub : replica));
    expect(again.map((r) => [r.body.variant, r.body.newAssignment])).toEqual(first.slice(0, 500).map((r) => [r.body.variant, false]));

    // concurrent first requests for one unit: all agree, one row
    const racing = await Promise.all(Array.from({ length: 12 }, (_, i) => assign('split', 'racer', i % 2 ? replica : hub)));
    expect(new Set(racing.map((r) => r.body.variant)).size).toBe(1);
    expect(racing.filter((r) => r.body.newAssignment).length).toBe(1);

    const summary = await results('split');
    const counts = Object.fromEntries((summary.variants as { name: string; n: number }[]).map((v) => [v.name, v.n]));
    expect(counts.control + counts.treatment + counts.challenger).toBe(2001);
    for (const { name, weight } of variants) {
      const share = weight / 100;
      expect(Math.abs(counts[name] - 2001 * share)).toBeLessThan(4 * Math.sqrt(2001 * share * (1 - share)));
    }
    expect(summary.sampleRatioMismatch).toMatchObject({ df: 2, mismatch: false });
  }, 180_000);

  it('predicts through the test: the variant\'s version answers, a unit keeps its variant on every request and replica, a refused row counts nobody', async () => {
    const created = await create({ ...twoVariants('served'), variants: [{ name: 'control', ref: '1', weight: 1 }, { name: 'treatment', ref: '2', weight: 1 }] });
    const variants = created.body.variants as { name: string; weight: number; version: number }[];
    const rows = [
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
      { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
      { sepal_length: 6.0, sepal_width: 2.7, petal_length: 5.1, petal_width: 1.6 },
    ];
    const predict = (unitId: string, instances: unknown[] = rows, on: HubProcess = hub) => call('POST', '/api/ml/ab-tests/served/predict', { unitId, instances }, reader, on);
    const direct: Record<number, Json> = {};
    for (const version of [1, 2]) direct[version] = (await call('POST', `/api/ml/models/iris-ab/predict?ref=${version}`, { instances: rows }, reader)).body;
    const served = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const unitId = `served-${i}`;
      const first = await predict(unitId);
      expect(first.status).toBe(200);
      const variant = assignVariant('served', unitId, variants);
      expect(first.body).toMatchObject({ test: 'served', unitId, variant: variant.name, model: { name: 'iris-ab', version: variant.version }, newAssignment: true });
      expect(first.body.predictions).toEqual(direct[variant.version].predictions);
      expect(first.body.probabilities).toEqual(direct[variant.version].probabilities);
      for (const on of [hub, replica, hub]) {
        expect((await predict(unitId, rows.slice(0, 1), on)).body).toMatchObject({ variant: variant.name, model: { version: variant.version }, newAssignment: false, assignedAt: first.body.assignedAt });
      }
      served.add(variant.name);
    }
    expect(served).toEqual(new Set(['control', 'treatment']));

    const refused = await predict('served-bad', [rows[0], { ...rows[1], petal_width: 'wide' }]);
    expect(refused).toMatchObject({ status: 400, body: { details: [{ field: 'instances[1].petal_width' }] } });
    expect(await outcome('served', 'served-bad', 1)).toMatchObject({ status: 409, body: { code: 'UNIT_NOT_ASSIGNED' } });
    expect((await results('served')).variants.map((v: { n: number }) => v.n).reduce((a: number, b: number) => a + b)).toBe(30);

    await call('POST', '/api/ml/ab-tests/served/stop');
    expect(await predict('served-late')).toMatchObject({ status: 409, body: { code: 'AB_TEST_STOPPED' } });
    expect((await predict('served-0')).body).toMatchObject({ variant: assignVariant('served', 'served-0', variants).name });

    // the prediction events name the test and the variant
    let events: { data: { abTest?: { name: string; variant: string } } }[] = [];
    for (let i = 0; i < 100 && events.length < 30 * 4; i++) {
      events = ((await call('GET', '/api/telemetry/events?type=ml.prediction&limit=500')).body.events as typeof events).filter((e) => e.data.abTest?.name === 'served');
      await sleep(100);
    }
    expect(new Set(events.map((e) => e.data.abTest!.variant))).toEqual(new Set(['control', 'treatment']));
  });

  it('outcomes: only for units in the test, one per unit (a later report replaces the value), checked against the metric', async () => {
    await create(twoVariants('outcomes'));
    expect(await outcome('outcomes', 'stranger', 1)).toMatchObject({ status: 409, body: { code: 'UNIT_NOT_ASSIGNED' } });
    const { variant } = (await assign('outcomes', 'u1')).body;
    for (const bad of [2, 0.5, 'yes', null]) expect(await outcome('outcomes', 'u1', bad)).toMatchObject({ status: 400, body: { details: [{ field: 'value' }] } });
    expect((await outcome('outcomes', 'u1', false)).body).toEqual({ unitId: 'u1', variant, value: 0, reports: 1, replaced: false });
    expect((await outcome('outcomes', 'u1', true)).body).toEqual({ unitId: 'u1', variant, value: 1, reports: 2, replaced: true });
    const row = (await results('outcomes')).variants.find((v: { name: string }) => v.name === variant);
    expect(row).toMatchObject({ n: 1, outcomes: 1, successes: 1, rate: 1 });

    await create(twoVariants('outcomes-mean', { metric: { kind: 'mean', name: 'basket_eur' } }));
    await assign('outcomes-mean', 'u1');
    expect((await outcome('outcomes-mean', 'u1', true)).status).toBe(400);
    expect((await outcome('outcomes-mean', 'u1', 1e300)).status).toBe(400);
    expect((await outcome('outcomes-mean', 'u1', 42.5)).body).toMatchObject({ value: 42.5, reports: 1 });
  });

  it('a unit id with a NUL or another control character is a 400 naming unitId, on every route that takes one', async () => {
    await create(twoVariants('unit-ids'));
    const routes = [
      (unitId: string) => assign('unit-ids', unitId),
      (unitId: string) => outcome('unit-ids', unitId, 1),
      (unitId: string) => call('POST', '/api/ml/ab-tests/unit-ids/predict', { unitId, instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] }, reader),
    ];
    for (const route of routes) {
      // NUL is refused on every route (PostgreSQL cannot store it), the others by the unit id's own rule
      expect(await route('user\u0000-1')).toMatchObject({ status: 400, body: { details: [{ field: 'unitId', reason: expect.stringContaining('NUL') }] } });
      for (const unitId of ['user\u0001-1', 'user\n1', 'user\u009b1']) {
        expect(await route(unitId)).toMatchObject({ status: 400, body: { details: [{ field: 'unitId', reason: expect.stringContaining('control character') }] } });
      }
    }
    expect((await results('unit-ids')).variants.map((v: { n: number }) => v.n)).toEqual([0, 0]);
    expect((await assign('unit-ids', 'user ü-1 ✓')).status).toBe(200);
  });

  it("results of a mean metric equal scipy: Welch's t-test, t intervals, the sample-ratio chi-square", async () => {
    await create(twoVariants('basket', { metric: { kind: 'mean', name: 'basket_eur' }, minimumDetectableEffect: 2 }));
    const units = Array.from({ length: 300 }, (_, i) => `shopper-${i}`);
    const assigned = await inParallel(units, 16, (unitId) => assign('basket', unitId));
    const values = { control: fixedSample(11, 300, 40, 20), treatment: fixedSample(12, 300, 44, 35) };
    const observed: Record<string, number[]> = { control: [], treatment: [] };
    // about one unit in six never reports an outcome
    await inParallel(units.map((unitId, i) => ({ unitId, i, variant: assigned[i].body.variant as 'control' | 'treatment' })).filter(({ i }) => i % 6 !== 5), 16, async ({ unitId, i, variant }) => {
      observed[variant].push(values[variant][i]);
      expect((await outcome('basket', unitId, values[variant][i])).status).toBe(200);
    });
    const summary = await results('basket');
    const expected = await scipy<{ welch: { statistic: number; pValue: number }; t: number[][]; srm: { chiSquare: number; pValue: number } }>(EXPECTED, {
      alpha: 0.05,
      welch: [observed.control, observed.treatment],
      srm: [['control', 'treatment'].map((v) => assigned.filter((a) => a.body.variant === v).length), [1, 1]],
    });
    const [control, treatment] = summary.variants;
    expect([control.n + treatment.n, control.outcomes, treatment.outcomes]).toEqual([300, observed.control.length, observed.treatment.length]);
    expect(Math.abs(treatment.comparison.statistic - expected.welch.statistic)).toBeLessThan(1e-6);
    expect(Math.abs(treatment.comparison.pValue - expected.welch.pValue)).toBeLessThan(1e-6);
    expect(treatment.comparison.significant).toBe(expected.welch.pValue < 0.05);
    [control, treatment].forEach((v, i) => {
      expect(Math.abs(v.interval.low - expected.t[i][0])).toBeLessThan(1e-6);
      expect(Math.abs(v.interval.high - expected.t[i][1])).toBeLessThan(1e-6);
    });
    expect(Math.abs(summary.sampleRatioMismatch.chiSquare - expected.srm.chiSquare)).toBeLessThan(1e-6);
    expect(Math.abs(summary.sampleRatioMismatch.pValue - expected.srm.pValue)).toBeLessThan(1e-6);
    expect(treatment.sampleSize.required).toBeGreaterThan(0);
  });

  it('results of a proportion equal scipy (pooled z-test, Wilson intervals); a variant that loses units is flagged as a sample-ratio mismatch', async () => {
    await create(twoVariants('lossy'));
    const variants = [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ];
    // a treatment that fails before its exposure is logged: a third of its units never reach the hub
    const units = Array.from({ length: 1200 }, (_, i) => `visitor-${i}`).filter((u) => assignVariant('lossy', u, variants).name === 'control' || unitPosition('lossy', `drop:${u}`) >= 1 / 3);
    const assigned = await inParallel(units, 16, (unitId) => assign('lossy', unitId));
    const converted = { control: 0, treatment: 0 };
    const seen = { control: 0, treatment: 0 };
    await inParallel(units.map((unitId, i) => ({ unitId, variant: assigned[i].body.variant as 'control' | 'treatment', i })), 16, async ({ unitId, variant, i }) => {
      const value = variant === 'control' ? i % 10 === 0 : i % 7 === 0;
      seen[variant]++;
      if (value) converted[variant]++;
      await outcome('lossy', unitId, value);
    });
    const summary = await results('lossy');
    const expected = await scipy<{ z: { statistic: number; pValue: number }; wilson: number[][]; srm: { chiSquare: number; pValue: number } }>(EXPECTED, {
      alpha: 0.05,
      z: [[converted.control, seen.control], [converted.treatment, seen.treatment]],
      srm: [[seen.control, seen.treatment], [1, 1]],
    });
    const [control, treatment] = summary.variants;
    expect([control.successes, treatment.successes]).toEqual([converted.control, converted.treatment]);
    expect(Math.abs(treatment.comparison.statistic - expected.z.statistic)).toBeLessThan(1e-6);
    expect(Math.abs(treatment.comparison.pValue - expected.z.pValue)).toBeLessThan(1e-6);
    [control, treatment].forEach((v, i) => {
      expect(Math.abs(v.interval.low - expected.wilson[i][0])).toBeLessThan(1e-6);
      expect(Math.abs(v.interval.high - expected.wilson[i][1])).toBeLessThan(1e-6);
    });
    expect(expected.srm.pValue).toBeLessThan(0.001);
    expect(Math.abs(summary.sampleRatioMismatch.pValue - expected.srm.pValue)).toBeLessThan(1e-6);
    expect(summary.sampleRatioMismatch.mismatch).toBe(true);
    expect(summary.warnings[0]).toMatch(/^sample-ratio mismatch/);
  });

  it('stop: no new units, the units in keep their variant and their outcomes count; a read key can serve traffic but not stop', async () => {
    await create(twoVariants('stoppable'));
    const before = (await assign('stoppable', 'early-bird')).body;
    expect((await call('POST', '/api/ml/ab-tests/stoppable/stop', undefined, reader)).status).toBe(403);
    expect((await call('POST', '/api/ml/ab-tests/stoppable/stop')).body).toMatchObject({ status: 'stopped', stoppedBy: 'key:release-bot' });
    expect(await assign('stoppable', 'latecomer')).toMatchObject({ status: 409, body: { code: 'AB_TEST_STOPPED' } });
    expect((await assign('stoppable', 'early-bird', replica)).body).toMatchObject({ variant: before.variant, newAssignment: false });
    expect((await outcome('stoppable', 'early-bird', 1)).status).toBe(200);
    expect((await results('stoppable')).variants.map((v: { n: number }) => v.n).reduce((a: number, b: number) => a + b)).toBe(1);
  });

  it('conclude promotes the winner through the registry: the history shows the transition with the key that concluded', async () => {
    await create(twoVariants('launch', { minimumDetectableEffect: 0.1 }));
    for (let i = 0; i < 40; i++) {
      const { variant } = (await assign('launch', `launch-${i}`)).body;
      await outcome('launch', `launch-${i}`, variant === 'treatment' ? i % 2 === 0 : i % 5 === 0);
    }
    expect((await call('POST', '/api/ml/ab-tests/launch/conclude', { winner: 'treatment', reason: 'x' }, reader)).status).toBe(403);
    expect(await call('POST', '/api/ml/ab-tests/launch/conclude', { winner: 'nobody', reason: 'typo' })).toMatchObject({ status: 400, body: { details: [{ field: 'winner' }] } });
    const concluded = await call('POST', '/api/ml/ab-tests/launch/conclude', { winner: 'treatment', reason: 'treatment converts better' });
    expect(concluded.status).toBe(200);
    expect(concluded.body).toMatchObject({ status: 'concluded', conclusion: { winner: 'treatment', version: 2, promoted: true, actor: 'key:release-bot', reason: 'treatment converts better' } });
    expect(concluded.body.conclusion.results.variants.map((v: { outcomes: number }) => v.outcomes).reduce((a: number, b: number) => a + b)).toBe(40);

    const model = (await call('GET', '/api/ml/models/iris-ab')).body;
    expect(model.versions.map((v: { version: number; stage: string }) => `${v.version}:${v.stage}`)).toEqual(['2:Production', '1:Archived']);
    const history = (await call('GET', '/api/ml/models/iris-ab/history', undefined, reader)).body as { version: number; action: string; fromValue: string; toValue: string; actor: string; reason: string }[];
    const promotion = history.find((h) => h.version === 2 && h.toValue === 'Production')!;
    expect(promotion).toMatchObject({ action: 'stage_transition', fromValue: 'None', actor: 'key:release-bot', reason: expect.stringContaining('A/B test "launch": treatment won') });
    expect(history.find((h) => h.version === 1 && h.toValue === 'Archived')).toMatchObject({ actor: 'key:release-bot', reason: 'replaced by version 2' });

    expect(await call('POST', '/api/ml/ab-tests/launch/conclude', { winner: 'treatment', reason: 'again' })).toMatchObject({ status: 409, body: { code: 'AB_TEST_CONCLUDED' } });
    expect(await assign('launch', 'launch-1')).toMatchObject({ status: 409, body: { code: 'AB_TEST_CONCLUDED' } });
    expect(await outcome('launch', 'launch-1', 1)).toMatchObject({ status: 409, body: { code: 'AB_TEST_CONCLUDED' } });
  });

  it('MCP tools: create and conclude need admin (a read key does not see them), results need read', async () => {
    const readerTools = (await (await mcpClient(reader)).listTools()).tools.map((t) => t.name);
    expect(readerTools).toContain('ml__ab_test_results');
    expect(readerTools).not.toContain('ml__create_ab_test');
    expect(readerTools).not.toContain('ml__conclude_ab_test');

    const agent = await mcpClient(admin);
    const bad = await agent.callTool({ name: 'ml__create_ab_test', arguments: { ...twoVariants('over-mcp'), variants: [{ name: 'a', ref: '1', weight: 1 }, { name: 'b', ref: '7', weight: 1 }] } });
    expect(bad.isError).toBe(true);
    expect(toolJson(bad)).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'variants[1].ref' }] });
    const created = await agent.callTool({ name: 'ml__create_ab_test', arguments: twoVariants('over-mcp') });
    expect(toolJson(created)).toMatchObject({ name: 'over-mcp', createdBy: 'key:release-bot', variants: [{ version: 2 }, { version: 2 }] });
    await assign('over-mcp', 'agent-unit');
    const read = await (await mcpClient(reader)).callTool({ name: 'ml__ab_test_results', arguments: { name: 'over-mcp' } });
    expect(toolJson(read)).toMatchObject({ test: 'over-mcp', metric: 'proportion', sampleRatioMismatch: { df: 1 } });
    const historyBefore = (await call('GET', '/api/ml/models/iris-ab/history')).body.length;
    const ended = await agent.callTool({ name: 'ml__conclude_ab_test', arguments: { name: 'over-mcp', reason: 'A/A check passed' } });
    expect(toolJson(ended)).toMatchObject({ status: 'concluded', conclusion: { winner: null, promoted: false } });
    expect((await call('GET', '/api/ml/models/iris-ab/history')).body.length).toBe(historyBefore);
  });

  it('CLI: mcp-hub ab create, results and conclude', async () => {
    const cli = async (...args: string[]) => {
      const child = new NodeProcess('dist/src/cli/main.js', { HUB_URL: hub.url(''), MCP_HUB_API_KEY: admin }, args);
      const { code } = await child.exited;
      return { code, stdout: child.stdout.join('\n'), stderr: child.stderr.join('\n') };
    };
    const created = await cli('ab', 'create', 'from-cli', '--model', 'iris-ab', '--variant', 'control=production:3', '--variant', 'rollback=1:1', '--metric', 'proportion:clicked', '--mde', '0.1');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created A/B test from-cli on iris-ab: control → version 2 (weight 3), rollback → version 1 (weight 1)');
    expect((await cli('ab', 'create', 'broken', '--model', 'iris-ab', '--variant', 'control', '--metric', 'proportion:x')).stderr).toContain('expected name=ref[:weight]');
    for (let i = 0; i < 30; i++) {
      await assign('from-cli', `cli-${i}`);
      await outcome('from-cli', `cli-${i}`, i % 3 === 0);
    }
    const shown = await cli('ab', 'results', 'from-cli');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/control \(control\)\s*│ 2\s*│ \d+\s*│ \d+\s*│ 0\.\d+/);
    expect(shown.stdout).toMatch(/sample-ratio check: chi-square [\d.]+, p [\d.e-]+/);
    const json = JSON.parse((await cli('ab', 'results', 'from-cli', '--json')).stdout);
    expect(json.variants.map((v: { outcomes: number }) => v.outcomes).reduce((a: number, b: number) => a + b)).toBe(30);
    const concluded = await cli('ab', 'conclude', 'from-cli', '--reason', 'no difference worth a change');
    expect(concluded.stdout).toContain('from-cli concluded, winner: none; nothing promoted');
    const refused = await cli('ab', 'conclude', 'from-cli', '--winner', 'rollback', '--reason', 'again');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('409 AB_TEST_CONCLUDED');
  });

  it('outcomes and new units racing a conclusion: everything accepted is in the stored results, nothing lands after them', async () => {
    await create(twoVariants('photo-finish'));
    const units = Array.from({ length: 400 }, (_, i) => `finish-${i}`);
    await inParallel(units, 16, (unitId) => assign('photo-finish', unitId));
    // outcomes of units in the test, interleaved with units seen for the first time, on both hubs
    const work = units.flatMap((unitId, i) => [
      { kind: 'outcome' as const, unitId, value: i % 3 === 0, on: i % 2 ? replica : hub },
      ...(i % 2 ? [{ kind: 'assign' as const, unitId: `late-${i}`, on: i % 4 === 1 ? hub : replica }] : []),
    ]);
    let answered = 0;
    let concluding: Promise<Response> | undefined;
    const answers = await inParallel(work, 24, async (item) => {
      const response =
        item.kind === 'outcome'
          ? await call('POST', '/api/ml/ab-tests/photo-finish/outcomes', { unitId: item.unitId, value: item.value }, reader, item.on)
          : await assign('photo-finish', item.unitId, item.on);
      if (++answered === 150) concluding = call('POST', '/api/ml/ab-tests/photo-finish/conclude', { reason: 'photo finish' });
      return { ...item, response };
    });
    const concluded = await concluding!;
    expect(concluded.status).toBe(200);
    expect(new Set(answers.map((a) => a.response.status))).toEqual(new Set([200, 409]));
    expect(answers.filter((a) => a.response.status === 409).every((a) => a.response.body.code === 'AB_TEST_CONCLUDED')).toBe(true);

    type Row = { name: string; n: number; outcomes: number; successes: number };
    const counts = (variants: Row[]) => variants.map(({ name, n, outcomes, successes }) => ({ name, n, outcomes, successes }));
    const sum = (variants: Row[], key: 'n' | 'outcomes') => variants.reduce((total, v) => total + v[key], 0);
    const stored = concluded.body.conclusion.results as { variants: Row[]; sampleRatioMismatch: Json };
    const accepted = answers.filter((a) => a.response.status === 200);
    expect(sum(stored.variants, 'outcomes')).toBe(accepted.filter((a) => a.kind === 'outcome').length);
    expect(sum(stored.variants, 'n')).toBe(units.length + accepted.filter((a) => a.kind === 'assign').length);
    const live = await results('photo-finish');
    expect(counts(live.variants)).toEqual(counts(stored.variants));
    expect(live.sampleRatioMismatch).toEqual(stored.sampleRatioMismatch);
  }, 120_000);

  it('concurrent conclusions on a hub with a pool of 3 connections: one promotes, the others are refused, one transition in the history', async () => {
    const small = await HubProcess.start({ ...env, DATABASE_POOL_MAX: '3', TRAINING_WORKER_ENABLED: 'false', TELEMETRY_CONSUMER_ENABLED: 'false' });
    type Entry = { version: number; action: string; fromValue: string; toValue: string; reason: string };
    try {
      const versions = (await call('GET', '/api/ml/models/iris-ab')).body.versions as { version: number; stage: string }[];
      const production = versions.find((v) => v.stage === 'Production')!.version;
      const challenger = versions.find((v) => v.stage !== 'Production')!.version;
      await create({ ...twoVariants('contested'), variants: [{ name: 'control', ref: String(production), weight: 1 }, { name: 'challenger', ref: String(challenger), weight: 1 }] });
      for (let i = 0; i < 20; i++) {
        await assign('contested', `contested-${i}`);
        await outcome('contested', `contested-${i}`, i % 2 === 0);
      }
      const before = ((await call('GET', '/api/ml/models/iris-ab/history')).body as Entry[]).length;

      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call('POST', '/api/ml/ab-tests/contested/conclude', { winner: 'challenger', reason: `attempt ${i}` }, admin, small)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array<number>(11).fill(409)]);
      expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(Array<string>(11).fill('AB_TEST_CONCLUDED'));
      const won = answers.find((a) => a.status === 200)!.body;
      expect(won.conclusion).toMatchObject({ winner: 'challenger', version: challenger, promoted: true });
      expect((won.conclusion.results.variants as { outcomes: number }[]).reduce((total, v) => total + v.outcomes, 0)).toBe(20);

      const history = (await call('GET', '/api/ml/models/iris-ab/history')).body as Entry[];
      expect(history.slice(before).map((h) => `${h.version}: ${h.fromValue} → ${h.toValue}`)).toEqual([`${production}: Production → Archived`, `${challenger}: ${versions.find((v) => v.version === challenger)!.stage} → Production`]);
      expect(history.at(-1)!.reason).toBe(`A/B test "contested": challenger won. ${won.conclusion.reason}`);
      expect((await call('GET', '/api/ml/ab-tests/contested', undefined, reader)).body).toMatchObject({ status: 'concluded', conclusion: { promoted: true, reason: won.conclusion.reason } });
    } finally {
      await small.stop();
    }
  }, 120_000);
});
