import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Json } from '../support/http';
import { HubFixture } from '../support/hub-fixture';
import { ROOT } from '../support/hub-process';
import { submitJob, waitForJob } from '../support/ml';

/** Client errors on the ML and telemetry routes answer 4xx naming the field, never a 500. */
describe('ML input hardening', () => {
  let fixture: HubFixture;
  let root: string;
  let dataDir: string;
  let runId: string;
  let jobId: string;

  const get = (path: string) => fixture.api.get(path);
  const send = (method: string, path: string, body?: unknown) => fixture.api.send(method, path, body);
  const fieldsOf = (response: { body: Json }) => (Array.isArray(response.body?.details) ? (response.body.details as { field: string }[]).map((d) => d.field) : []);
  const expectFieldError = (response: { status: number; body: Json }, field: string) => {
    expect({ status: response.status, fields: fieldsOf(response) }).toEqual({ status: 400, fields: expect.arrayContaining([field]) });
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ml-hardening-'));
    dataDir = join(root, 'data');
    await mkdir(dataDir);
    await copyFile(join(ROOT, 'data', 'sample.csv'), join(dataDir, 'iris.csv'));
    fixture = await HubFixture.start('ml-hardening', { mcpServers: {} }, { env: { DATA_DIR: dataDir, ARTIFACTS_DIR: join(root, 'artifacts') } });
    expect((await send('POST', '/api/ml/datasets', { uri: `local://${join(dataDir, 'iris.csv')}`, name: 'iris' })).status).toBe(201);
    const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm: 'cart', dataset: 'iris', target: 'species' })).id);
    expect(job.status).toBe('succeeded');
    jobId = job.id;
    expect((await send('POST', '/api/ml/models/iris-model/versions', { jobId })).status).toBe(201);
    expect((await send('POST', '/api/ml/experiments', { name: 'hardening' })).status).toBe(201);
    runId = (await send('POST', '/api/ml/experiments/hardening/runs', {})).body.id;
  });

  afterAll(async () => {
    await fixture?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  describe('dataset registration reads only the file it checked (symlink swap race)', () => {
    it('never profiles a file outside DATA_DIR while a symlink is swapped in and out', async () => {
      const legit = 'a,b\n1,2\n3,4\n';
      const secret = 'secret_column\ntop-secret\n';
      const legitSource = join(root, 'legit.csv');
      const secretFile = join(root, 'secret.csv');
      const target = join(dataDir, 'race.csv');
      await writeFile(legitSource, legit);
      await writeFile(secretFile, secret);
      await copyFile(legitSource, target);
      const swapper = spawn(
        process.execPath,
        [
          '-e',
          `const fs = require('node:fs');
           const [target, secret, legit, max] = process.argv.slice(1);
           const pause = new Int32Array(new SharedArrayBuffer(4));
           for (let i = 0; i < Number(max); i++) {
             fs.symlinkSync(secret, target + '.link'); fs.renameSync(target + '.link', target);
             fs.copyFileSync(legit, target + '.file'); fs.renameSync(target + '.file', target);
             // the legit file stays a moment, so registrations that raced no swap succeed even on a loaded machine
             Atomics.wait(pause, 0, 0, 1);
           }`,
          target,
          secretFile,
          legitSource,
          '2000000',
        ],
        { stdio: 'ignore' },
      );
      const statuses: number[] = [];
      const unexpected: Json[] = [];
      const leaked: Json[] = [];
      let swapping = false;
      try {
        // until 20 registrations have read a file (bounded): each of them raced the swapper
        for (let i = 0; i < 4000 && statuses.filter((status) => status === 201).length < 20; i++) {
          const response = await send('POST', '/api/ml/datasets', { uri: `local://${target}`, name: `race-${i}` });
          statuses.push(response.status);
          if (response.status !== 201 && response.status !== 400) unexpected.push(response.body);
          const text = JSON.stringify(response.body);
          if (text.includes('secret_column') || text.includes('top-secret') || response.body?.sha256 === createHash('sha256').update(secret).digest('hex')) leaked.push(response.body);
        }
      } finally {
        swapping = swapper.exitCode === null;
        swapper.kill('SIGKILL');
      }
      expect(swapping).toBe(true);
      expect(leaked).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(statuses.filter((s) => s === 201)).toHaveLength(20);
      const listed = (await get('/api/ml/datasets')).body as { columns: { name: string }[] }[];
      expect(listed.flatMap((d) => d.columns.map((c) => c.name))).not.toContain('secret_column');
    });
  });

  describe('create races', () => {
    it.each(['experiments', 'models'])('8 parallel creates of one name in %s: exactly one 201, the rest 409', async (kind) => {
      for (let round = 0; round < 3; round++) {
        const name = `race-${kind}-${round}`;
        const responses = await Promise.all(Array.from({ length: 8 }, () => send('POST', `/api/ml/${kind}`, { name })));
        expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
        expect(responses.filter((r) => r.status === 409).every((r) => r.body.message.includes(name))).toBe(true);
      }
    });
  });

  describe('strings PostgreSQL cannot store (NUL, unpaired surrogates)', () => {
    it('answer 400 naming the field, in bodies, nested objects, keys, queries and path parameters', async () => {
      expectFieldError(await send('POST', '/api/ml/experiments', { name: 'nul-1', description: 'a\u0000b' }), 'description');
      expectFieldError(await send('POST', '/api/ml/models', { name: 'nul-model', tags: { team: 'x\u0000' } }), 'tags.team');
      expectFieldError(await send('POST', '/api/ml/models', { name: 'nul-model', tags: { team: 'lone \ud800 surrogate' } }), 'tags.team');
      expectFieldError(await send('POST', '/api/ml/experiments/hardening/runs', { params: { k: 'v\u0000' } }), 'params.k');
      expectFieldError(await send('POST', `/api/ml/runs/${runId}/params`, { params: { 'a\u0000b': 1 } }), 'params');
      expectFieldError(await send('PATCH', `/api/ml/runs/${runId}/tags`, { tags: { t: ['\u0000'] } }), 'tags.t.0');
      expectFieldError(await send('PUT', '/api/ml/models/iris-model/aliases/champion', { version: 1, reason: 'why\u0000' }), 'reason');
      expectFieldError(await send('POST', '/api/ml/models/iris-model/versions/1/stage', { stage: 'Staging', reason: '\u0000' }), 'reason');
      expectFieldError(await send('POST', '/api/ml/training-jobs', { adapter: 'node', algorithm: 'cart', dataset: 'iris\u0000', target: 'species' }), 'dataset');
      expectFieldError(await send('POST', '/api/ml/datasets', { uri: 's3://bucket/key\u0000.csv' }), 'uri');
      expectFieldError(await get(`/api/ml/experiments/hardening/runs?filter=${encodeURIComponent('params.k = a\u0000')}`), 'filter');
      expectFieldError(await get('/api/ml/datasets/iris%00'), 'idOrName');
      expectFieldError(await get(`/api/ml/runs/${runId}/metrics/loss%00`), 'key');
      // nothing of the above was stored
      expect((await get('/api/ml/experiments/nul-1')).status).toBe(404);
      expect((await get(`/api/ml/runs/${runId}`)).body).toMatchObject({ params: {}, tags: {} });
    });
  });

  describe('run search', () => {
    it('compares params numerically only where they are numbers: others do not match, no 500', async () => {
      await send('POST', '/api/ml/experiments', { name: 'mixed-params' });
      const ids: Record<string, string> = {};
      for (const k of ['abc', '5', '0.5', '1e400', '']) ids[k] = (await send('POST', '/api/ml/experiments/mixed-params/runs', { params: { k } })).body.id;
      const search = async (filter: string) => {
        const response = await get(`/api/ml/experiments/mixed-params/runs?filter=${encodeURIComponent(filter)}`);
        expect(response.status).toBe(200);
        return (response.body as { id: string }[]).map((r) => r.id).sort();
      };
      expect(await search('params.k > 1')).toEqual([ids['5'], ids['1e400']].sort());
      expect(await search('params.k <= 1')).toEqual([ids['0.5']]);
      expect(await search('params.k = abc')).toEqual([ids.abc]);
      expect(await search('params.k > 1e308')).toEqual([ids['1e400']]);
    });
  });

  describe('telemetry cursors', () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    it('a crafted cursor is a 400 naming the cursor; a well-formed one pages', async () => {
      const id = '019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b';
      for (const crafted of [
        ['not a time', 'mcp-hub', id],
        ['+275760-09-13T00:00:00.001Z', 'mcp-hub', id],
        ['2026-01-01T00:00:00.000Z', 'mcp-hub', 'not-a-uuid'],
        ['2026-01-01T00:00:00.000Z', 'mcp\u0000hub', id],
        ['2026-01-01T00:00:00.000Z', 'x'.repeat(5000), id],
      ]) {
        expectFieldError(await get(`/api/telemetry/events?cursor=${cursor(crafted)}`), 'cursor');
      }
      expectFieldError(await get('/api/telemetry/events?cursor=%00'), 'cursor');
      const page = await get(`/api/telemetry/events?cursor=${cursor(['2026-01-01T00:00:00.000Z', 'mcp-hub', id])}`);
      expect(page.status).toBe(200);
    });
  });

  describe('numbers out of range', () => {
    it('answer 400 naming the field (1e308, 20 digits), or are stored when the column holds them', async () => {
      expectFieldError(await send('POST', `/api/ml/runs/${runId}/metrics`, { metrics: [{ key: 'loss', value: 1, step: 1e20 }] }), 'metrics.0.step');
      expectFieldError(await get(`/api/ml/training-jobs/${jobId}/logs?after=1e308`), 'after');
      expectFieldError(await get(`/api/ml/training-jobs/${jobId}/logs?after=12345678901234567890`), 'after');
      expectFieldError(await send('PUT', '/api/ml/models/iris-model/aliases/champion', { version: 1e20 }), 'version');
      const raw = await fetch(fixture.hub.url('/api/ml/models/iris-model/aliases/champion'), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"version": 12345678901234567890}' });
      expectFieldError({ status: raw.status, body: await raw.json() }, 'version');
      expectFieldError(await send('POST', '/api/ml/models/iris-model/versions/99999999999999999999/stage', { stage: 'Staging' }), 'version');
      expectFieldError(await send('POST', '/api/ml/models/iris-model/versions/1e308/stage', { stage: 'Staging' }), 'version');
      expect((await send('POST', `/api/ml/runs/${runId}/metrics`, { metrics: [{ key: 'big', value: 1e308, step: 2147483647 }] })).status).toBe(204);
      expect((await get(`/api/ml/runs/${runId}/metrics/big`)).body).toEqual([expect.objectContaining({ step: 2147483647, value: 1e308 })]);
      expect((await get(`/api/ml/training-jobs/${jobId}/logs?after=9007199254740991`)).body).toEqual([]);
    });
  });

  describe('lookups by a caller-chosen key', () => {
    it('"__proto__", "constructor" and friends are unknown algorithms, not a 500', async () => {
      for (const algorithm of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
        const response = await send('POST', '/api/ml/training-jobs', { adapter: 'node', algorithm, dataset: 'iris', target: 'species' });
        expectFieldError(response, 'algorithm');
        expect(response.body.details[0].reason).toContain('is not an algorithm of the node adapter');
      }
    });

    it('params named like Object.prototype members are ordinary write-once params', async () => {
      const run = (await send('POST', '/api/ml/experiments/hardening/runs', {})).body.id as string;
      const logged = await send('POST', `/api/ml/runs/${run}/params`, { params: { toString: 'a', valueOf: 'b', hasOwnProperty: 'c' } });
      expect(logged.status).toBe(200);
      expect(logged.body.params).toEqual({ toString: 'a', valueOf: 'b', hasOwnProperty: 'c' });
      expect((await send('POST', `/api/ml/runs/${run}/params`, { params: { toString: 'a' } })).status).toBe(200);
      expect((await send('POST', `/api/ml/runs/${run}/params`, { params: { toString: 'changed' } })).status).toBe(409);
      const created = await send('POST', '/api/ml/experiments/hardening/runs', { params: { hasOwnProperty: 1 }, tags: { valueOf: 'x' } });
      expect(created.status).toBe(201);
      expect((await send('PATCH', `/api/ml/runs/${created.body.id}/tags`, { tags: { toString: 'y' } })).body.tags).toEqual({ valueOf: 'x', toString: 'y' });
      expect((await get(`/api/ml/runs/${created.body.id}`)).body).toMatchObject({ params: { hasOwnProperty: '1' }, tags: { valueOf: 'x', toString: 'y' } });
      const model = await send('POST', '/api/ml/models', { name: 'proto-tags', tags: { hasOwnProperty: 'x' } });
      expect(model.body).toMatchObject({ name: 'proto-tags', tags: { hasOwnProperty: 'x' } });
    });
  });

  describe('path parameters', () => {
    const bad = ['a%0D%0Ab', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(5000), 'mod%C3%A8le', '-starts-with-dash'];

    it.each(bad.map((b) => [b.slice(0, 30), b]))('%s is a 400 naming the parameter wherever a name is one', async (_, name) => {
      expectFieldError(await get(`/api/ml/models/${name}`), 'name');
      expectFieldError(await get(`/api/ml/models/${name}/history`), 'name');
      expectFieldError(await get(`/api/ml/models/${name}/versions/latest`), 'name');
      expectFieldError(await get(`/api/ml/models/${name}/versions/1/artifact`), 'name');
      expectFieldError(await send('POST', `/api/ml/models/${name}/versions`, { jobId }), 'name');
      expectFieldError(await send('POST', `/api/ml/models/${name}/versions/1/stage`, { stage: 'Staging' }), 'name');
      expectFieldError(await send('PUT', `/api/ml/models/${name}/aliases/champion`, { version: 1 }), 'name');
      expectFieldError(await send('DELETE', `/api/ml/models/iris-model/aliases/${name}`), 'alias');
      expectFieldError(await get(`/api/ml/models/iris-model/versions/${name}`), 'ref');
      expectFieldError(await get(`/api/ml/experiments/${name}`), 'idOrName');
      expectFieldError(await get(`/api/ml/experiments/${name}/runs`), 'idOrName');
      expectFieldError(await send('POST', `/api/ml/experiments/${name}/runs`, {}), 'idOrName');
      expectFieldError(await get(`/api/ml/datasets/${name}`), 'idOrName');
    });

    it('metric keys in the path follow the metric-key rule', async () => {
      for (const key of ['a%0D%0Ab', 'k'.repeat(5000), 'mod%C3%A8le', 'a%20b']) expectFieldError(await get(`/api/ml/runs/${runId}/metrics/${key}`), 'key');
      expect((await get(`/api/ml/runs/${runId}/metrics/val%2Floss`)).status).toBe(200);
    });

    it('valid names, ids, refs and the download header still work', async () => {
      const experiment = (await get('/api/ml/experiments/hardening')).body;
      expect((await get(`/api/ml/experiments/${experiment.id}`)).body.name).toBe('hardening');
      expect((await get('/api/ml/models/iris-model/versions/latest')).body.version).toBe(1);
      const response = await fetch(fixture.hub.url('/api/ml/models/iris-model/versions/1/artifact'));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="iris-model-v1-model.json"');
      expect(response.headers.get('content-type')).toContain('application/json');
      expect((await get('/api/ml/models')).body.map((m: { name: string }) => m.name)).not.toContain('a\r\nb');
    });
  });
});
