#!/usr/bin/env node
// Brings a checkout up to date before start/test: installs npm dependencies when package-lock.json
// changed (or node_modules is missing) and rebuilds dist/ (the hub, then the web console) when a source file
// is newer than the last build.
// Before the tests (or with --python) it first makes sure Python has the training stack (scripts/python-stack.js),
// so a machine without it stops here with the command to run instead of failing the training tests.
// Plain Node with no dependencies, so it runs on a fresh clone. The database and its migrations are
// prepared by the hub itself at boot (and by `npm run migration:run`).
'use strict';
const { createHash } = require('node:crypto');
const { chmodSync, existsSync, readFileSync, writeFileSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');
const { ensurePythonStack } = require('./python-stack');

const root = join(__dirname, '..');
const lockHashFile = join(root, 'node_modules', '.mcp-hub-lock-hash');
const buildStamp = join(root, 'dist', '.build-stamp');
const buildInputs = ['src', 'migrations', 'web', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json'];

function run(command, args) {
  console.log(`[prepare] ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: false });
  if (result.status !== 0) {
    console.error(`[prepare] "${command} ${args.join(' ')}" failed (exit ${result.status}); fix the error above and run again.`);
    process.exit(result.status || 1);
  }
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

const TEST_SCRIPTS = ['pretest', 'pretest:e2e'];
if (TEST_SCRIPTS.includes(process.env.npm_lifecycle_event) || process.argv.includes('--python')) {
  console.log(`[prepare] Python training stack: ${ensurePythonStack()}`);
}

const lockHash = createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
const installedHash = existsSync(lockHashFile) ? readFileSync(lockHashFile, 'utf8').trim() : '';
if (installedHash !== lockHash) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(lockHashFile, lockHash);
}

const builtAt = existsSync(buildStamp) ? statSync(buildStamp).mtimeMs : 0;
const changedAt = Math.max(...buildInputs.map((input) => newestMtime(join(root, input))));
if (!existsSync(join(root, 'dist', 'src', 'main.js')) || changedAt > builtAt) {
  run(join(root, 'node_modules', '.bin', 'nest'), ['build']);
  // the web console, served by the hub at / (nest build empties dist/, so it comes second)
  run(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn', '--config', join('web', 'vite.config.mts')]);
  run(process.execPath, [join(root, 'scripts', 'web-size.js')]);
  // the package's bin (`npx mcp-hub`) must be executable; tsc writes plain files
  chmodSync(join(root, 'dist', 'src', 'cli', 'main.js'), 0o755);
  writeFileSync(buildStamp, new Date().toISOString());
}
