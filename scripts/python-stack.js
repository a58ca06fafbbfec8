#!/usr/bin/env node
// Makes sure a Python interpreter with the training stack (numpy, pandas, scikit-learn, torch) is there
// before the tests run, with scipy, which the A/B test statistics are checked against: the one in PYTHON_BIN, or else the first of `python3` on PATH and /usr/bin/python3.
// When none has it, installs Debian's packages as root (apt-get), otherwise stops with the exact command.
// MCP_HUB_NO_APT=1 never runs apt-get (behaves as a user without root would see it).
// Plain Node with no dependencies: it runs on a fresh clone, from scripts/prepare.js and from .ci/run.
'use strict';
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const IMPORT = 'import numpy, pandas, sklearn, torch, scipy, optuna, sqlalchemy, psycopg2';
const APT_PACKAGES = ['python3-sklearn', 'python3-torch', 'python3-pandas', 'python3-scipy', 'python3-optuna', 'python3-sqlalchemy', 'python3-psycopg2', 'chromium'];
/** Headless Chromium renders the drift report page in its test. */
const chromiumBin = (env = process.env) => env.CHROMIUM_BIN || '/usr/bin/chromium';
const APT_INSTALL = ['install', '-y', '--no-install-recommends', ...APT_PACKAGES];

/** PYTHON_BIN alone when set; otherwise the same candidates, in the same order, as the hub probes. */
function pythonCandidates(env = process.env) {
  return env.PYTHON_BIN ? [env.PYTHON_BIN] : ['python3', '/usr/bin/python3'];
}

function hasStack(bin) {
  const result = spawnSync(bin, ['-c', IMPORT], { stdio: 'ignore', timeout: 120_000 });
  return result.status === 0;
}

function findInterpreter(env = process.env) {
  return pythonCandidates(env).find(hasStack);
}

function aptGet(args) {
  console.log(`[prepare] apt-get ${args.join(' ')}`);
  return spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

/** Returns the interpreter that has the stack, installing it when it may; exits the process when it cannot. */
function ensurePythonStack(env = process.env) {
  const tried = pythonCandidates(env);
  const found = findInterpreter(env);
  if (found && existsSync(chromiumBin(env))) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  const mayInstall = isRoot && hasApt && env.MCP_HUB_NO_APT !== '1';
  console.error(found
    ? `[prepare] no Chromium at ${chromiumBin(env)} (set CHROMIUM_BIN); the drift report test renders a page in it.`
    : `[prepare] no Python interpreter with ${IMPORT.slice(7)} (tried: ${tried.join(', ')}); the training tests need one.`);
  if (mayInstall) {
    if (!aptGet(APT_INSTALL) && !(aptGet(['update', '-q']) && aptGet(APT_INSTALL))) {
      console.error('[prepare] apt-get could not install them; see the error above.');
      process.exit(1);
    }
    const installed = findInterpreter(env);
    if (installed && existsSync(chromiumBin(env))) return installed;
    console.error(`[prepare] installed them for /usr/bin/python3, but PYTHON_BIN=${env.PYTHON_BIN} still lacks them: unset PYTHON_BIN or set PYTHON_BIN=/usr/bin/python3.`);
    process.exit(1);
  }
  const command = `${isRoot ? '' : 'sudo '}apt-get ${APT_INSTALL.join(' ')}`;
  const elsewhere = env.PYTHON_BIN && env.PYTHON_BIN !== '/usr/bin/python3' ? ` (that is for /usr/bin/python3: then unset PYTHON_BIN or set it to /usr/bin/python3)` : '';
  console.error(hasApt
    ? `[prepare] install them${elsewhere}, then run the command again:\n\n    ${command}\n`
    : `[prepare] install them for one of those interpreters (pip install numpy pandas scikit-learn torch scipy), or set PYTHON_BIN to one that has them, then run the command again.`);
  process.exit(1);
}

module.exports = { ensurePythonStack, pythonCandidates, APT_PACKAGES };

if (require.main === module) {
  const bin = ensurePythonStack();
  console.log(`[prepare] Python training stack: ${bin}`);
}
