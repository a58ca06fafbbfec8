import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { DatasetsService } from '../datasets/datasets.service';
import { sampleTypedRows } from '../datasets/row-sample';
import { readRows } from '../datasets/table-reader';
import { LruCache } from '../inference/lru-cache';
import { SignatureInput } from '../registry/registry.entities';
import { TrainingJobsService } from '../training/training-jobs.service';
import { Row } from './shapley';

/** Background samples kept in memory: a few versions' worth, each at most MAX_BACKGROUND rows. */
const CACHED_SAMPLES = 16;

/**
 * A version's background sample: `size` rows of its training dataset drawn uniformly (reservoir
 * sampling, seeded, so the same request gets the same rows), only the model's input columns, typed
 * as its signature says. Rows with a missing input are skipped: the model would impute them.
 */
@Injectable()
export class BackgroundSample {
  private readonly cache = new LruCache<string, Row[]>(CACHED_SAMPLES);

  constructor(
    private readonly jobs: TrainingJobsService,
    private readonly datasets: DatasetsService,
  ) {}

  async of(version: { id: string; trainingJobId: string | null }, inputs: SignatureInput[], size: number, seed: number): Promise<{ rows: Row[]; dataset: string }> {
    if (!version.trainingJobId) throw new ValidationFailedError([{ field: 'background', reason: 'this version was not trained by the hub, so it has no training data to sample; send background.rows' }]);
    const job = await this.jobs.get(version.trainingJobId).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new ValidationFailedError([{ field: 'background', reason: 'the training job of this version is gone; send background.rows' }]);
      throw error;
    });
    const dataset = await this.datasets.get(job.datasetId);
    const key = `${version.id}:${size}:${seed}`;
    const cached = this.cache.get(key);
    if (cached) return { rows: cached, dataset: dataset.name };
    const sample = await sampleTypedRows(readRows(await this.datasets.localCopy(dataset), dataset.format), inputs, size, seed);
    if (sample.length === 0) throw new ValidationFailedError([{ field: 'background', reason: `dataset ${dataset.name} has no row with every input column; send background.rows` }]);
    this.cache.set(key, sample);
    return { rows: sample, dataset: dataset.name };
  }
}
