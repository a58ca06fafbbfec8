import { tmpdir } from 'node:os';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, ValidationFailedError } from '../../platform/errors/app-error';
import { AdapterName, TASK_METRICS } from '../adapters/adapter-catalog';
import { AdapterEvent, AdapterSpec } from '../adapters/adapter-protocol';
import { startAdapter } from '../adapters/adapter-process';
import { AdapterRuntimeService } from '../adapters/adapter-runtime.service';
import { DatasetsService } from '../datasets/datasets.service';
import { ModelFiles } from '../inference/model-files';
import { ModelRouter } from '../inference/model-router';
import { TrainingJobsService } from '../training/training-jobs.service';
import { ImportanceResult, ModelImportance } from './model-importance.entity';

/** A permutation importance run that takes longer than this is stopped (a model far too slow to permute). */
const TIME_LIMIT_MS = 10 * 60_000;

/**
 * Global explanations: permutation importance on the version's validation rows (the holdout its
 * training job kept back), computed by the adapter that trained it — scikit-learn's
 * permutation_importance for Python models, the same algorithm in the Node adapter — and kept per
 * version, metric and number of repeats.
 */
@Injectable()
export class ImportanceService {
  constructor(
    @InjectRepository(ModelImportance) private readonly cache: Repository<ModelImportance>,
    private readonly router: ModelRouter,
    private readonly files: ModelFiles,
    private readonly jobs: TrainingJobsService,
    private readonly datasets: DatasetsService,
    private readonly runtimes: AdapterRuntimeService,
  ) {}

  async importance(name: string, ref: string, metricAsked: string | undefined, repeats: number) {
    const { served, version } = await this.router.route(name, ref);
    if (!version.trainingJobId) throw new ConflictError('NO_VALIDATION_DATA', `Version ${version.version} of "${name}" was not trained by the hub: it has no validation rows to permute`, { version: version.version });
    const job = await this.jobs.get(version.trainingJobId);
    const metric = metricAsked ?? (job.task === 'classification' ? 'accuracy' : 'r2');
    if (!Object.hasOwn(TASK_METRICS[job.task], metric)) throw new ValidationFailedError([{ field: 'metric', reason: `"${metric}" is not a ${job.task} metric; choose one of ${Object.keys(TASK_METRICS[job.task]).join(', ')}` }]);
    const answer = (result: ImportanceResult, cached: boolean) => ({ model: { name, version: version.version }, repeats, cached, ...result });
    const cached = await this.cache.findOneBy({ versionId: version.id, metric, repeats });
    if (cached) return answer(cached.result, true);

    const dataset = await this.datasets.get(job.datasetId);
    const spec: AdapterSpec = {
      framework: job.adapter as AdapterSpec['framework'],
      algorithm: job.algorithm,
      task: job.task,
      dataset: { path: await this.datasets.localCopy(dataset), format: dataset.format },
      target: job.target,
      features: job.features,
      hyperparameters: job.hyperparameters,
      validation: job.validation,
      seed: job.seed,
      outputDir: tmpdir(),
      mode: 'importance',
      modelPath: await this.files.localCopy(served, version),
      metric,
      repeats,
    };
    const result = await this.run(job.adapter as AdapterName, spec);
    await this.cache.createQueryBuilder().insert().values({ versionId: version.id, metric, repeats, result, createdAt: new Date() }).orIgnore().execute();
    return answer(result, false);
  }

  private async run(adapter: AdapterName, spec: AdapterSpec): Promise<ImportanceResult> {
    await this.runtimes.assertAvailable(adapter);
    let found: Extract<AdapterEvent, { type: 'importance' }> | undefined;
    let failure: string | undefined;
    const process = startAdapter(adapter, spec, await this.runtimes.pythonFor(adapter), (event) => {
      if (event.type === 'importance') found = event;
      else if (event.type === 'error') failure = event.message;
    });
    const timer = setTimeout(() => process.kill(), TIME_LIMIT_MS);
    const exit = await process.exited.finally(() => clearTimeout(timer));
    if (!found) throw new Error(`the ${adapter} adapter computed no importance (${failure ?? (exit.stderrTail.slice(-3).join(' | ') || `exit ${exit.code ?? exit.signal}`)})`);
    const importances = Object.entries(found.importances)
      .map(([column, { mean, std }]) => ({ column, mean, std }))
      .sort((a, b) => b.mean - a.mean);
    return { metric: found.metric, baseline: found.baseline, rows: found.rows, importances };
  }
}
