import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { seededRandom } from '../adapters/node/seeded-random';
import { DatasetsService } from '../datasets/datasets.service';
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
    const random = seededRandom(seed);
    const sample: Row[] = [];
    let seen = 0;
    for await (const raw of readRows(await this.datasets.localCopy(dataset), dataset.format)) {
      const row = typedRow(raw, inputs);
      if (!row) continue;
      seen++;
      if (sample.length < size) sample.push(row);
      else {
        const slot = Math.floor(random() * seen);
        if (slot < size) sample[slot] = row;
      }
    }
    if (sample.length === 0) throw new ValidationFailedError([{ field: 'background', reason: `dataset ${dataset.name} has no row with every input column; send background.rows` }]);
    this.cache.set(key, sample);
    return { rows: sample, dataset: dataset.name };
  }
}

/** The row's input columns as the signature types them, or undefined when one is missing. */
export function typedRow(raw: Record<string, unknown>, inputs: SignatureInput[]): Row | undefined {
  const row: Row = {};
  for (const input of inputs) {
    const value = raw[input.name];
    if (value === undefined || value === null || value === '') return undefined;
    if (input.type === 'integer' || input.type === 'number') {
      const number = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(number)) return undefined;
      row[input.name] = number;
    } else if (input.type === 'boolean') row[input.name] = value === true || String(value).toLowerCase() === 'true';
    else row[input.name] = String(value);
  }
  return row;
}
