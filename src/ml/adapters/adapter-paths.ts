import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The project root: where package.json is, from src/ml/adapters (ts) or dist/src/ml/adapters (js). */
export const PROJECT_ROOT = [resolve(__dirname, '..', '..', '..'), resolve(__dirname, '..', '..', '..', '..')].find((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'python')))!;

export const PYTHON_PACKAGE_DIR = join(PROJECT_ROOT, 'python');

/** The compiled Node adapter; the worker always runs the built file, even under ts-node. */
export const NODE_ADAPTER_ENTRY = join(PROJECT_ROOT, 'dist', 'src', 'ml', 'adapters', 'node', 'node-adapter.main.js');
