import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/hub-process';

const run = promisify(execFile);
const APT_LINE = /^ {4}(sudo )?apt-get install -y --no-install-recommends python3-sklearn python3-torch python3-pandas python3-scipy python3-optuna python3-sqlalchemy python3-psycopg2 chromium$/m;

/** `npm test` runs scripts/prepare.js first; its Python step decides whether the tests may start. */
describe('the test command on a machine without the Python training stack', () => {
  let dir: string;
  let bare: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'python-stack-'));
    bare = join(dir, 'python3');
    // Python without site-packages: numpy, pandas, sklearn and torch cannot be imported.
    await writeFile(bare, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
    await chmod(bare, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const prepare = (env: NodeJS.ProcessEnv) =>
    run(process.execPath, ['scripts/prepare.js'], { cwd: ROOT, env: { ...env, npm_lifecycle_event: 'pretest', MCP_HUB_NO_APT: '1' } }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );

  it('stops before the tests with the exact apt-get line when it may not install', async () => {
    const { code, output } = await prepare({ ...process.env, PYTHON_BIN: bare });
    expect(code).toBe(1);
    expect(output).toContain(`tried: ${bare}`);
    expect(output).toMatch(APT_LINE);
    expect(output).not.toContain('npm ci');
  });

  it('with PYTHON_BIN unset, passes over a python3 on PATH that lacks the stack and uses /usr/bin/python3', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}:${process.env.PATH}`, MCP_HUB_NO_APT: '1' };
    delete env.PYTHON_BIN;
    const { stdout } = await run(process.execPath, ['scripts/python-stack.js'], { cwd: ROOT, env });
    expect(stdout).toContain('[prepare] Python training stack: /usr/bin/python3');
  });
});
