import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AppConfig } from '../platform/config/app-config';
import { DEPENDENCY_HINTS } from '../platform/dependency-hints';
import { DiagnosticRow, timedCheck } from './diagnostic-check';

const run = promisify(execFile);

/** Python modules the ML adapter uses, with the Debian package that provides each. */
export const PYTHON_MODULES = [
  { module: 'numpy', debianPackage: 'python3-numpy', pipPackage: 'numpy' },
  { module: 'pandas', debianPackage: 'python3-pandas', pipPackage: 'pandas' },
  { module: 'sklearn', debianPackage: 'python3-sklearn', pipPackage: 'scikit-learn' },
  { module: 'torch', debianPackage: 'python3-torch', pipPackage: 'torch' },
] as const;

const PROBE_SCRIPT = `
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    try:
        found[name] = getattr(importlib.import_module(name), "__version__", "unknown")
    except Exception as error:
        found[name] = None
print(json.dumps(found))
`;

/** python3 itself, then one row per ML module (missing modules are warnings: only training needs them). */
export async function checkPython(config: AppConfig): Promise<DiagnosticRow[]> {
  const bin = config.python.bin;
  const interpreter = await timedCheck(`Python (${bin})`, false, DEPENDENCY_HINTS.python, async () => {
    const { stdout, stderr } = await run(bin, ['--version'], { timeout: 5000 });
    return { version: (stdout || stderr).trim().replace(/^Python\s+/, '') };
  });
  if (interpreter.status !== 'ok') {
    return [interpreter, ...PYTHON_MODULES.map((m): DiagnosticRow => ({ check: `  python: ${m.module}`, required: false, status: 'missing', detail: 'no interpreter' }))];
  }
  const started = performance.now();
  let versions: Record<string, string | null> = {};
  try {
    const { stdout } = await run(bin, ['-c', PROBE_SCRIPT, ...PYTHON_MODULES.map((m) => m.module)], { timeout: 60000 });
    versions = JSON.parse(stdout) as Record<string, string | null>;
  } catch (error) {
    interpreter.status = 'warn';
    interpreter.detail = `could not list modules: ${(error as Error).message}`;
  }
  const latencyMs = performance.now() - started;
  return [
    interpreter,
    ...PYTHON_MODULES.map(({ module, debianPackage, pipPackage }): DiagnosticRow => {
      const version = versions[module];
      return version
        ? { check: `  python: ${module}`, required: false, status: 'ok', version, latencyMs }
        : { check: `  python: ${module}`, required: false, status: 'missing', hint: DEPENDENCY_HINTS.pythonModule(module, debianPackage, pipPackage) };
    }),
  ];
}
