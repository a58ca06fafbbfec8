import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdapterName } from '../adapters/adapter-catalog';
import { ADAPTER_EXIT_DATA_ERROR, AdapterEvent, AdapterResult, AdapterSpec } from '../adapters/adapter-protocol';
import { AdapterProcess, startAdapter } from '../adapters/adapter-process';
import { Dataset } from '../datasets/dataset.entity';
import { TrainingJob } from './training-job.entity';

export type StopReason = 'cancelled' | 'pruned' | 'timeout' | 'shutdown';

export type RunOutcome =
  | { kind: 'succeeded'; result: AdapterResult; artifact: Extract<AdapterEvent, { type: 'artifact' }> }
  | { kind: 'failed'; errorKind: 'data' | 'infrastructure' | 'timeout'; message: string }
  | { kind: 'cancelled' }
  | { kind: 'pruned' }
  | { kind: 'interrupted' };

export interface RunHooks {
  onEvent(event: AdapterEvent): void;
}

/**
 * One attempt of one job: the adapter process in a scratch directory, its events handed to hooks,
 * a time limit, and stop() for cancel and shutdown. The scratch directory goes with dispose().
 */
export class TrainingRun {
  private process?: AdapterProcess;
  private stopReason?: StopReason;
  private outputDir?: string;

  constructor(
    private readonly job: TrainingJob,
    private readonly dataset: Dataset,
    private readonly datasetPath: string,
    private readonly pythonBin: string,
  ) {}

  stop(reason: StopReason): void {
    this.stopReason ??= reason;
    this.process?.kill();
  }

  async run(hooks: RunHooks): Promise<RunOutcome> {
    this.outputDir = await mkdtemp(join(tmpdir(), `mcp-hub-train-${this.job.id}-`));
    const spec: AdapterSpec = {
      framework: this.job.adapter as AdapterSpec['framework'],
      algorithm: this.job.algorithm,
      task: this.job.task,
      dataset: { path: this.datasetPath, format: this.dataset.format },
      target: this.job.target,
      features: this.job.features,
      hyperparameters: this.job.hyperparameters,
      validation: this.job.validation,
      seed: this.job.seed,
      outputDir: this.outputDir,
      ...(this.job.intermediateMetric ? { intermediateMetric: this.job.intermediateMetric } : {}),
    };
    let result: AdapterResult | undefined;
    let artifact: Extract<AdapterEvent, { type: 'artifact' }> | undefined;
    let reported: Extract<AdapterEvent, { type: 'error' }> | undefined;
    if (this.stopReason) return this.stopped(this.stopReason);
    this.process = startAdapter(this.job.adapter as AdapterName, spec, this.pythonBin, (event) => {
      if (event.type === 'result') result = event;
      else if (event.type === 'artifact') artifact = event;
      else if (event.type === 'error') reported = event;
      hooks.onEvent(event);
    });
    const timer = setTimeout(() => this.stop('timeout'), this.job.timeoutMs);
    const exit = await this.process.exited.finally(() => clearTimeout(timer));
    if (this.stopReason) return this.stopped(this.stopReason);
    if (exit.spawnError) return { kind: 'failed', errorKind: 'infrastructure', message: `could not start the ${this.job.adapter} adapter: ${exit.spawnError.message}` };
    if (exit.code === 0 && result && artifact) return { kind: 'succeeded', result, artifact };
    if (exit.code === ADAPTER_EXIT_DATA_ERROR || reported?.kind === 'data') return { kind: 'failed', errorKind: 'data', message: reported?.message ?? 'the adapter rejected the data' };
    const how = exit.signal ? `was killed by ${exit.signal}` : exit.code === 0 ? 'exited without a result' : `exited with code ${exit.code}`;
    const detail = reported?.message ?? exit.stderrTail.slice(-3).join(' | ');
    return { kind: 'failed', errorKind: 'infrastructure', message: `the ${this.job.adapter} adapter ${how}${detail ? `: ${detail}` : ''}` };
  }

  async dispose(): Promise<void> {
    if (this.outputDir) await rm(this.outputDir, { recursive: true, force: true });
  }

  private stopped(reason: StopReason): RunOutcome {
    if (reason === 'cancelled') return { kind: 'cancelled' };
    if (reason === 'pruned') return { kind: 'pruned' };
    if (reason === 'shutdown') return { kind: 'interrupted' };
    return { kind: 'failed', errorKind: 'timeout', message: `timed out after ${this.job.timeoutMs} ms; the adapter process was killed` };
  }
}
