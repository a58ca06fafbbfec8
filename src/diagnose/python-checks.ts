import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AppConfig } from '../platform/config/app-config';
import { DEPENDENCY_HINTS } from '../platform/dependency-hints';
import { chooseInterpreter, describeTried } from '../platform/python/interpreter-choice';
import { DiagnosticRow } from './diagnostic-check';

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
found = {"python": sys.version.split()[0]}
for name in sys.argv[1:]:
    try:
        found[name] = getattr(importlib.import_module(name), "__version__", "unknown")
    except Exception as error:
        found[name] = None
print(json.dumps(found))
`;

interface ProbedPython {
  bin: string;
  usable: boolean;
  summary: string;
  /** Python's version and each module's (null when missing); absent when the interpreter did not run. */
  versions?: Record<string, string | null>;
  error?: string;
  latencyMs: number;
}

async function probe(bin: string): Promise<ProbedPython> {
  const started = performance.now();
  try {
    const { stdout } = await run(bin, ['-c', PROBE_SCRIPT, ...PYTHON_MODULES.map((m) => m.module)], { timeout: 60000 });
    const versions = JSON.parse(stdout) as Record<string, string | null>;
    const missing = PYTHON_MODULES.filter((m) => !versions[m.module]).map((m) => m.module);
    return { bin, usable: missing.length === 0, summary: missing.length ? `missing ${missing.join(', ')}` : `Python ${versions.python}`, versions, latencyMs: performance.now() - started };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { bin, usable: false, summary: code === 'ENOENT' ? 'not found' : 'does not run', error: (error as Error).message, latencyMs: performance.now() - started };
  }
}

/**
 * The interpreter the hub would use (PYTHON_BIN, or the first candidate with every module), then one row
 * per ML module. Missing modules are warnings: only training needs them.
 */
export async function checkPython(config: AppConfig): Promise<DiagnosticRow[]> {
  const { chosen, tried } = await chooseInterpreter(config.python.candidates, probe);
  // With none usable, show the last one that ran (where apt-get installs): its modules say what to install.
  const shown = chosen ?? [...tried].reverse().find((p) => p.versions) ?? tried[tried.length - 1];
  const triedNote = `interpreter ${shown.bin}` + (config.python.bin ? ' (PYTHON_BIN)' : ` (PYTHON_BIN unset; tried ${describeTried(tried)})`);
  const check = 'Python';
  if (!shown.versions) {
    return [
      { check, required: false, status: 'fail', latencyMs: shown.latencyMs, detail: `${shown.error ?? shown.summary} [${triedNote}]`, hint: DEPENDENCY_HINTS.python },
      ...PYTHON_MODULES.map((m): DiagnosticRow => ({ check: `  python: ${m.module}`, required: false, status: 'missing', detail: 'no interpreter' })),
    ];
  }
  const versions = shown.versions;
  return [
    { check, required: false, status: chosen ? 'ok' : 'warn', version: versions.python ?? undefined, latencyMs: shown.latencyMs, detail: triedNote },
    ...PYTHON_MODULES.map(({ module, debianPackage, pipPackage }): DiagnosticRow => {
      const version = versions[module];
      return version
        ? { check: `  python: ${module}`, required: false, status: 'ok', version }
        : { check: `  python: ${module}`, required: false, status: 'missing', hint: DEPENDENCY_HINTS.pythonModule(module, debianPackage, pipPackage) };
    }),
  ];
}
