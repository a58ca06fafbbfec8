import { Injectable } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AppConfig } from '../../platform/config/app-config';
import { chooseInterpreter, describeTried } from '../../platform/python/interpreter-choice';
import { AdapterUnavailableError } from './adapter-errors';
import { AdapterName } from './adapter-catalog';
import { NODE_ADAPTER_ENTRY, PYTHON_PACKAGE_DIR } from './adapter-paths';

export interface RuntimeReport {
  available: boolean;
  versions: Record<string, string>;
  missing: string[];
  hint?: string;
  /** Python adapters: the interpreter that runs them (absent when none can). */
  interpreter?: string;
  /** Python adapters: every interpreter probed, with what it lacked, e.g. "python3 (missing torch)". */
  tried?: string[];
}

interface PythonProbe {
  bin: string;
  usable: boolean;
  summary: string;
  report: RuntimeReport;
}

const CACHE_MS = 30_000;
/** Importing torch takes seconds, and tens of seconds on a loaded machine; a probe cut short would report the runtime missing. */
const PROBE_TIMEOUT_MS = 120_000;
const APT_PACKAGES: Record<string, string> = { numpy: 'python3-numpy', pandas: 'python3-pandas', sklearn: 'python3-sklearn', torch: 'python3-torch' };

/** Whether an adapter's runtime is installed, asked of the real interpreter and cached briefly. */
@Injectable()
export class AdapterRuntimeService {
  private readonly cache = new Map<AdapterName, { at: number; report: Promise<RuntimeReport> }>();

  constructor(private readonly config: AppConfig) {}

  check(adapter: AdapterName): Promise<RuntimeReport> {
    const cached = this.cache.get(adapter);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.report;
    const report = adapter === 'node' ? Promise.resolve(this.checkNode()) : this.checkPython(adapter);
    this.cache.set(adapter, { at: Date.now(), report });
    return report;
  }

  /** Throws AdapterUnavailableError (503) naming what is missing and how to install it. */
  async assertAvailable(adapter: AdapterName): Promise<void> {
    const report = await this.check(adapter);
    if (!report.available) throw new AdapterUnavailableError(adapter, report.missing, report.hint ?? '', report.tried);
  }

  /** The interpreter a Python adapter runs with: the probed one, else the first candidate (its failure then names the problem). */
  async pythonFor(adapter: AdapterName): Promise<string> {
    if (adapter === 'node') return this.config.python.candidates[0];
    return (await this.check(adapter)).interpreter ?? this.config.python.candidates[0];
  }

  private checkNode(): RuntimeReport {
    if (existsSync(NODE_ADAPTER_ENTRY)) return { available: true, versions: { node: process.versions.node }, missing: [] };
    return { available: false, versions: {}, missing: ['dist/src/ml/adapters/node/node-adapter.main.js'], hint: 'build the hub: npm run build' };
  }

  /** PYTHON_BIN when set; otherwise the first candidate that has the adapter's modules. */
  private async checkPython(adapter: 'sklearn' | 'torch'): Promise<RuntimeReport> {
    const { chosen, tried } = await chooseInterpreter(this.config.python.candidates, async (bin): Promise<PythonProbe> => {
      const report = await this.checkPythonBin(bin, adapter);
      const summary = report.available ? `Python ${report.versions.python}` : report.missing.includes('python3') ? 'not found' : `missing ${report.missing.join(', ')}`;
      return { bin, usable: report.available, summary, report };
    });
    const triedText = tried.map((probe) => `${probe.bin} (${probe.summary})`);
    if (chosen) return { ...chosen.report, interpreter: chosen.bin, tried: triedText };
    // The last interpreter that ran is the one apt-get installs into (/usr/bin/python3): report its gaps.
    const closest = [...tried].reverse().find((probe) => !probe.report.missing.includes('python3')) ?? tried[tried.length - 1];
    const how = this.config.python.bin ? `PYTHON_BIN=${this.config.python.bin}` : `PYTHON_BIN unset, tried ${describeTried(tried)}`;
    return { ...closest.report, hint: `${closest.report.hint ?? ''} [${how}]`, tried: triedText };
  }

  private checkPythonBin(bin: string, adapter: 'sklearn' | 'torch'): Promise<RuntimeReport> {
    return new Promise((resolve) => {
      execFile(bin, ['-m', 'mcp_hub_adapter', '--check', adapter], { cwd: PYTHON_PACKAGE_DIR, timeout: PROBE_TIMEOUT_MS, env: { ...process.env, PYTHONPATH: PYTHON_PACKAGE_DIR } }, (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          resolve({ available: false, versions: {}, missing: ['python3'], hint: `no Python interpreter at ${bin}: install it (apt-get install python3) or set PYTHON_BIN` });
          return;
        }
        try {
          const parsed = JSON.parse(stdout) as { python: string; modules: Record<string, string>; missing: string[] };
          const apt = parsed.missing.map((m) => APT_PACKAGES[m] ?? m).join(' ');
          resolve({
            available: parsed.missing.length === 0,
            versions: { python: parsed.python, ...parsed.modules },
            missing: parsed.missing,
            ...(parsed.missing.length ? { hint: `install them for ${bin} (Python ${parsed.python}): apt-get install ${apt} (Debian/Ubuntu), or pip install ${parsed.missing.map((m) => (m === 'sklearn' ? 'scikit-learn' : m)).join(' ')}; or point PYTHON_BIN at an interpreter that has them` } : {}),
          });
        } catch {
          resolve({ available: false, versions: {}, missing: ['mcp_hub_adapter'], hint: `${bin} could not run the adapter package in ${PYTHON_PACKAGE_DIR}: ${(error?.message ?? stdout).slice(0, 300)}` });
        }
      });
    });
  }
}
