import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubFixture } from '../support/hub-fixture';
import { freePort } from '../support/free-port';
import { NodeProcess } from '../support/hub-process';
import { assertPythonStack, PYTHON_BIN, waitForJob } from '../support/ml';

describe('mcp-hub CLI: datasets and training end to end', () => {
  let fixture: HubFixture;
  let artifactsDir: string;

  const cli = async (...args: string[]) => {
    const run = new NodeProcess('dist/src/cli/main.js', { HUB_URL: fixture.hub.url('') }, args);
    const { code } = await run.exited;
    return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') };
  };

  beforeAll(async () => {
    assertPythonStack();
    artifactsDir = await mkdtemp(join(tmpdir(), 'cli-artifacts-'));
    fixture = await HubFixture.start('ml-cli', { mcpServers: {} }, { env: { PYTHON_BIN, ARTIFACTS_DIR: artifactsDir } });
  });

  afterAll(async () => {
    await fixture?.stop();
    await rm(artifactsDir, { recursive: true, force: true });
  });

  it('train submit --wait shows live progress, then the metrics', async () => {
    const run = await cli('train', 'submit', '--adapter', 'sklearn', '--algorithm', 'random_forest', '--dataset', 'local://data/sample.csv', '--target', 'species', '--param', 'n_estimators=5000', '--seed', '7', '--wait');
    expect(run.code).toBe(0);
    const progress = run.stderr.split('\n').filter((line) => /^\[\s*\d+%\] running · training: tree \d+\/5000$/.test(line));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const percents = progress.map((line) => Number(/(\d+)%/.exec(line)![1]));
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(run.stdout).toMatch(/status\s*│ succeeded/);
    expect(run.stdout).toMatch(/accuracy\s*│ 0\.9\d+|accuracy\s*│ 1/);
    expect(run.stdout).toContain('f1_macro');
  });

  it('datasets add, list and show; train list, status, logs and cancel; --json for scripts', async () => {
    const added = await cli('datasets', 'add', 'local://data/diabetes.csv', '--name', 'diabetes', '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'diabetes', rowCount: 442 });
    expect((await cli('datasets', 'list')).stdout).toMatch(/diabetes\s*│ 442/);
    expect((await cli('datasets', 'show', 'diabetes')).stdout).toMatch(/progression\s*│ integer/);
    const uploaded = await cli('datasets', 'add', 'data/sample.csv', '--upload', '--name', 'iris-upload', '--json');
    expect(JSON.parse(uploaded.stdout)).toMatchObject({ name: 'iris-upload', rowCount: 150 });
    await rm(JSON.parse(uploaded.stdout).uri.replace('local://', ''), { force: true });

    const submitted = await cli('train', 'submit', '--adapter', 'node', '--algorithm', 'linear_regression', '--dataset', 'diabetes', '--target', 'progression', '--json');
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    await waitForJob(fixture.api, id);
    const status = JSON.parse((await cli('train', 'status', id, '--json')).stdout);
    expect(status).toMatchObject({ id, status: 'succeeded', task: 'regression' });
    expect(status.metrics.r2).toBeGreaterThan(0.3);
    expect((await cli('train', 'list', '--status', 'succeeded')).stdout).toContain(id);
    const logs = await cli('train', 'logs', id, '--follow');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('model stored at');

    const long = JSON.parse((await cli('train', 'submit', '--adapter', 'torch', '--algorithm', 'mlp', '--dataset', 'diabetes', '--target', 'progression', '--param', 'epochs=10000', '--json')).stdout);
    await waitForJob(fixture.api, long.id, (j) => j.status === 'running');
    const cancelled = await cli('train', 'cancel', long.id);
    expect(cancelled.stdout).toContain(`training job ${long.id} is cancelled`);
  });

  it('explains errors and what to do next', async () => {
    const bad = await cli('train', 'submit', '--adapter', 'sklearn', '--algorithm', 'svm', '--dataset', 'local://data/diabetes.csv', '--target', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('400 VALIDATION_FAILED: target: "nope" is not a column of dataset "diabetes"');
    const wrongAdapter = await cli('train', 'submit', '--adapter', 'keras', '--algorithm', 'x', '--dataset', 'd', '--target', 't');
    expect(wrongAdapter.code).not.toBe(0);
    expect(wrongAdapter.stderr).toContain("Allowed choices are sklearn, torch, node");
    const port = await freePort();
    const away = new NodeProcess('dist/src/cli/main.js', { HUB_URL: `http://127.0.0.1:${port}` }, ['train', 'list']);
    expect((await away.exited).code).toBe(3);
    expect(away.stderr.join('\n')).toContain(`cannot reach the hub at http://127.0.0.1:${port} (ECONNREFUSED); start it with "npm start" or set HUB_URL`);
  });
});
