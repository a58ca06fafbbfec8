import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { ARTIFACT_STORE, ArtifactStore } from '../../platform/artifacts/artifact-store';
import { Dataset } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import { sampleTypedRows, TypedRow } from '../datasets/row-sample';
import { readRows } from '../datasets/table-reader';
import { csvChunks, csvField } from '../features/copy-csv';
import { ModelPredictor } from '../inference/model-predictor';
import { ModelVersion } from '../registry/registry.entities';
import { PredictionColumn, predictionColumns } from './prediction-columns';

/** Training rows predicted for the reference: enough for stable shares, bounded whatever the dataset's size. */
export const MAX_REFERENCE_ROWS = 10_000;
const SAMPLE_SEED = 1;
const ROWS_PER_CALL = 1_000;

/**
 * The reference of prediction drift: what a version predicts on its own training data (a seeded
 * sample of at most MAX_REFERENCE_ROWS rows). Comparing live predictions with the training labels
 * instead would flag every weak model, drift or not. Computed once per version and kept in the
 * ArtifactStore as a CSV, so every replica and every later run reads the same reference.
 */
@Injectable()
export class ReferencePredictions {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly predictor: ModelPredictor,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  /** Writes the reference to `path` as CSV and answers the columns it holds. */
  async writeTo(path: string, modelName: string, version: ModelVersion, dataset: Dataset): Promise<PredictionColumn[]> {
    const key = `monitoring/reference-predictions/${version.id}.csv`;
    if (await this.store.stat(key)) {
      await pipeline(await this.store.open(key), createWriteStream(path));
      return predictionColumns(version, (await headerOf(path)).some((name) => name.startsWith('probability(')));
    }
    const rows = await sampleTypedRows(readRows(await this.datasets.localCopy(dataset), dataset.format), version.signature.inputs, MAX_REFERENCE_ROWS, SAMPLE_SEED);
    const predicted: { prediction: string | number; probabilities: Record<string, number> | null }[] = [];
    for (let start = 0; start < rows.length; start += ROWS_PER_CALL) {
      const chunk: TypedRow[] = rows.slice(start, start + ROWS_PER_CALL);
      const { predictions, probabilities } = await this.predictor.predict({ model: modelName, ref: String(version.version), rows: chunk, source: 'monitor', sample: false });
      predictions.forEach((prediction, i) => predicted.push({ prediction, probabilities: probabilities?.[i] ?? null }));
    }
    const columns = predictionColumns(version, predicted.some((p) => p.probabilities !== null));
    await writeCsv(path, columns, Readable.from(predicted), (p) => [p.prediction, p.probabilities]);
    await this.store.put(key, createReadStream(path), { contentType: 'text/csv' });
    return columns;
  }
}

/** A CSV with the columns' names as header and one line per output, each column's value taken by its `valueOf`. */
export async function writeCsv<T>(path: string, columns: PredictionColumn[], outputs: AsyncIterable<T>, parts: (output: T) => [unknown, Record<string, number> | null]): Promise<void> {
  const header = `${columns.map((c) => csvField(c.name)).join(',')}\n`;
  const lines = csvChunks(outputs, (output) => {
    const [prediction, probabilities] = parts(output);
    return columns.map((c) => c.valueOf(prediction, probabilities));
  });
  await pipeline(Readable.from((async function* () {
    yield header;
    yield* lines;
  })()), createWriteStream(path));
}

async function headerOf(path: string): Promise<string[]> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0].split(',').map((name) => name.replace(/^"|"$/g, '').replace(/""/g, '"'));
  } finally {
    await file.close();
  }
}
