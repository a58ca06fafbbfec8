import { Injectable } from '@nestjs/common';
import { ConflictError } from '../../platform/errors/app-error';
import { Dataset } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import { ModelVersion } from '../registry/registry.entities';
import { RegistryService, resolveIn } from '../registry/registry.service';
import { TrainingJobsService } from '../training/training-jobs.service';

/** A model version's reference data for drift: the dataset its training job read, and its input columns. */
@Injectable()
export class TrainingReference {
  constructor(
    private readonly registry: RegistryService,
    private readonly jobs: TrainingJobsService,
    private readonly datasets: DatasetsService,
  ) {}

  async of(modelName: string, ref: string): Promise<{ dataset: Dataset; inputs: string[]; model: { name: string; version: number }; version: ModelVersion }> {
    const model = await this.registry.get(modelName);
    const version = resolveIn(model, ref);
    if (!version.trainingJobId) throw new ConflictError('NO_TRAINING_DATA', `Version ${version.version} of "${model.name}" was not trained by the hub; compare against a dataset instead`, { version: version.version });
    const job = await this.jobs.get(version.trainingJobId);
    return { dataset: await this.datasets.get(job.datasetId), inputs: version.signature?.inputs?.map((i) => i.name) ?? job.features, model: { name: model.name, version: version.version }, version };
  }
}
