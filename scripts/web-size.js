#!/usr/bin/env node
// Prints how much JavaScript the web console loads first (the entry script and what it preloads),
// gzipped, and fails the build past the budget: a console that takes long to load goes unused.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

const BUDGET_KB = 250;
const dir = join(__dirname, '..', 'dist', 'web');
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
const kb = scripts.reduce((total, src) => total + gzipSync(readFileSync(join(dir, src.replace(/^\//, '')))).length, 0) / 1024;
console.log(`[web] console: initial JavaScript ${kb.toFixed(1)} KB gzipped in ${scripts.length} file(s) (budget ${BUDGET_KB} KB)`);
if (kb > BUDGET_KB) {
  console.error(`[web] over budget by ${(kb - BUDGET_KB).toFixed(1)} KB: split a route with import() or drop a dependency`);
  process.exit(1);
}
