import { Inject, Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { ARTIFACT_STORE, ArtifactStore } from '../../platform/artifacts/artifact-store';
import { AdapterResult } from '../adapters/adapter-protocol';
import { Dataset } from '../datasets/dataset.entity';
import { JobArtifact, TrainingJob } from './training-job.entity';

/** What is stored beside every model file: enough to load, serve and audit it. */
export interface ModelMetadata {
  jobId: string;
  adapter: string;
  algorithm: string;
  task: string;
  target: string;
  features: AdapterResult['features'];
  classes: string[] | null;
  hyperparameters: Record<string, unknown>;
  validation: TrainingJob['validation'];
  seed: number;
  dataset: { id: string; name: string; sha256: string; rows: AdapterResult['rows'] };
  metrics: Record<string, number>;
  libraries: Record<string, string>;
  model: { key: string; sha256: string; size: number; contentType: string };
  createdAt: string;
}

/** Puts a trained model and its metadata into the ArtifactStore under training/<job id>/. */
@Injectable()
export class ModelArtifacts {
  constructor(@Inject(ARTIFACT_STORE) private readonly store: ArtifactStore) {}

  async save(job: TrainingJob, dataset: Dataset, file: { path: string; name: string; contentType: string }, result: AdapterResult): Promise<JobArtifact> {
    const key = `training/${job.id}/${file.name}`;
    const model = await this.store.put(key, await readFile(file.path), { contentType: file.contentType });
    const metadata: ModelMetadata = {
      jobId: job.id,
      adapter: job.adapter,
      algorithm: job.algorithm,
      task: job.task,
      target: job.target,
      features: result.features,
      classes: result.classes,
      hyperparameters: job.hyperparameters,
      validation: job.validation,
      seed: job.seed,
      dataset: { id: dataset.id, name: dataset.name, sha256: dataset.sha256, rows: result.rows },
      metrics: result.metrics,
      libraries: result.libraries,
      model: { key, sha256: model.sha256, size: model.size, contentType: model.contentType },
      createdAt: new Date().toISOString(),
    };
    const metadataKey = `training/${job.id}/metadata.json`;
    await this.store.put(metadataKey, Buffer.from(JSON.stringify(metadata, null, 2)), { contentType: 'application/json' });
    return { key, uri: this.store.uri(key), sha256: model.sha256, size: model.size, store: this.store.kind, metadataKey };
  }

  /** A stored model file, checksum-verified. */
  file(key: string): Promise<Buffer> {
    return this.store.get(key);
  }

  async metadata(artifact: JobArtifact): Promise<ModelMetadata> {
    return JSON.parse((await this.store.get(artifact.metadataKey)).toString('utf8')) as ModelMetadata;
  }
}
