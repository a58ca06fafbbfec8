import { execFile } from 'node:child_process';
import { Injectable } from '@nestjs/common';
import { DependencyUnavailableError } from '../../platform/errors/app-error';
import { PYTHON_PACKAGE_DIR } from '../adapters/adapter-paths';
import { AdapterRuntimeService } from '../adapters/adapter-runtime.service';

export interface DriftThresholds {
  /** Either sample at most this many rows: KS / chi-square; above: Wasserstein / Jensen-Shannon. */
  smallSample: number;
  pValue: number;
  distance: number;
  psiWatch: number;
  psiDrift: number;
  /** Monitors: the version's headline metric on ground truth this much worse than recorded (relative) is a decay. */
  performanceDrop: number;
  /** Monitors: fewer ground-truth rows than this in the window, performance is not judged. */
  minOutcomes: number;
}

export const DEFAULT_THRESHOLDS: DriftThresholds = { smallSample: 1000, pValue: 0.05, distance: 0.1, psiWatch: 0.1, psiDrift: 0.2, performanceDrop: 0.1, minOutcomes: 30 };

/** The defaults with the thresholds a request gave (fields it left out keep their default). */
export function thresholdsWith(given: Partial<DriftThresholds> | undefined): DriftThresholds {
  return { ...DEFAULT_THRESHOLDS, ...Object.fromEntries(Object.entries(given ?? {}).filter(([, value]) => value !== undefined)) };
}

/** How a dataset column is compared: numbers as numbers, everything else as categories. */
export function columnKind(columns: { name: string; type: string }[], name: string): 'numeric' | 'categorical' {
  return ['integer', 'number'].includes(columns.find((c) => c.name === name)?.type ?? '') ? 'numeric' : 'categorical';
}

export interface ColumnDrift {
  name: string;
  error?: string;
  kind?: 'numeric' | 'categorical';
  test?: 'ks' | 'chi-square' | 'wasserstein' | 'jensen-shannon';
  statistic?: number;
  pValue?: number | null;
  drifted?: boolean;
  psi?: number;
  psiLevel?: 'ok' | 'watch' | 'drift';
  referenceRows?: number;
  currentRows?: number;
  histogram?: Record<string, unknown>;
}

/** A run may take this long (20 columns × 100k rows take seconds). */
const TIME_LIMIT_MS = 5 * 60_000;

/** scipy's statistics behind one small class: `python -m mcp_hub_adapter drift`, one spec in, one answer out. */
@Injectable()
export class DriftCheck {
  constructor(private readonly runtimes: AdapterRuntimeService) {}

  async run(reference: { path: string; format: string }, current: { path: string; format: string }, columns: { name: string; kind: 'numeric' | 'categorical' }[], thresholds: DriftThresholds): Promise<{ columns: ColumnDrift[]; peakRssMb: number }> {
    const bin = await this.runtimes.pythonFor('sklearn');
    const spec = JSON.stringify({ reference, current, columns, thresholds });
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile(bin, ['-m', 'mcp_hub_adapter', 'drift'], { cwd: PYTHON_PACKAGE_DIR, env: { ...process.env, PYTHONPATH: PYTHON_PACKAGE_DIR }, timeout: TIME_LIMIT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const why = stderr.trim().split('\n').slice(-1)[0] || error?.message;
        // a missing module is the machine's to fix (503); anything else is a defect here
        if (error && /ModuleNotFoundError|ENOENT/.test(`${why} ${error.message}`)) reject(new DependencyUnavailableError('python', `The drift check cannot run: ${why}`, 'install python3-scipy (npm test does it as root), or set PYTHON_BIN'));
        else if (error) reject(new Error(`The drift check failed: ${why}`));
        else resolve(stdout);
      });
      child.stdin?.end(`${spec}\n`);
    });
    const line = output.trim().split('\n').pop()!;
    const answer = JSON.parse(line) as { columns: ColumnDrift[]; peakRssMb: number };
    return { columns: answer.columns, peakRssMb: Math.round(answer.peakRssMb * 10) / 10 };
  }
}
