import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Json } from '../support/http';
import { HubFixture } from '../support/hub-fixture';
import { ROOT } from '../support/hub-process';

/** Client errors on the ML and telemetry routes answer 4xx naming the field, never a 500. */
describe('ML input hardening', () => {
  let fixture: HubFixture;
  let root: string;
  let dataDir: string;

  const get = (path: string) => fixture.api.get(path);
  const send = (method: string, path: string, body?: unknown) => fixture.api.send(method, path, body);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ml-hardening-'));
    dataDir = join(root, 'data');
    await mkdir(dataDir);
    await copyFile(join(ROOT, 'data', 'sample.csv'), join(dataDir, 'iris.csv'));
    fixture = await HubFixture.start('ml-hardening', { mcpServers: {} }, { env: { DATA_DIR: dataDir, ARTIFACTS_DIR: join(root, 'artifacts') } });
    expect((await send('POST', '/api/ml/datasets', { uri: `local://${join(dataDir, 'iris.csv')}`, name: 'iris' })).status).toBe(201);
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
           for (let i = 0; i < Number(max); i++) {
             fs.symlinkSync(secret, target + '.link'); fs.renameSync(target + '.link', target);
             fs.copyFileSync(legit, target + '.file'); fs.renameSync(target + '.file', target);
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
        for (let i = 0; i < 1000 && statuses.filter((status) => status === 201).length < 20; i++) {
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
});
