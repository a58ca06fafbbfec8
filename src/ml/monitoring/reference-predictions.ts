import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { ARTIFACT_STORE, ArtifactStore } from '../../platform/artifacts/artifact-store';
import { Dataset } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import { sampleRows } from '../datasets/row-sample';
import { readRows, RawRow } from '../datasets/table-reader';
import { modelRow } from '../batch/batch-chunks';
import { ModelPredictor } from '../inference/model-predictor';
import { ModelVersion } from '../registry/registry.entities';
import { PredictionColumn, predictionColumns } from './prediction-columns';

/** Training rows predicted for the reference: enough for stable shares, bounded whatever the dataset's size. */
export const MAX_REFERENCE_ROWS = 10_000;
const SAMPLE_SEED = 1;
const ROWS_PER_CALL = 1_000;
const LINES_PER_WRITE = 5_000;

/** A model's answer for one row, as the prediction log and the reference hold it. */
export interface Output {
  prediction: unknown;
  probabilities: Record<string, number> | null;
}

/**
 * The reference of prediction drift: what a version predicts on its own training data (a seeded
 * sample of at most MAX_REFERENCE_ROWS rows). Comparing live predictions with the training labels
 * instead would flag every weak model, drift or not. Computed once per version and kept in the
 * ArtifactStore, so every replica and every later run reads the same reference.
 */
@Injectable()
export class ReferencePredictions {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly predictor: ModelPredictor,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  /** Writes the reference to `path` as JSON Lines and answers the columns it holds. */
  async writeTo(path: string, modelName: string, version: ModelVersion, dataset: Dataset): Promise<PredictionColumn[]> {
    const key = `monitoring/reference-predictions/${version.id}.jsonl`;
    if (await this.store.stat(key)) {
      await pipeline(await this.store.open(key), createWriteStream(path));
      return predictionColumns(version, Object.keys(await firstLineOf(path)).some((name) => name.startsWith('probability(')));
    }
    // missing values kept (as null), as live rows may have them
    const missing = Object.fromEntries(version.signature.inputs.map((c) => [c.name, null]));
    const rows = await sampleRows(readRows(await this.datasets.localCopy(dataset), dataset.format), MAX_REFERENCE_ROWS, SAMPLE_SEED, (raw) => ({ ...missing, ...modelRow(raw as RawRow, version.signature.inputs, dataset.format) }));
    const outputs: Output[] = [];
    for (let start = 0; start < rows.length; start += ROWS_PER_CALL) {
      const chunk = rows.slice(start, start + ROWS_PER_CALL);
      const { predictions, probabilities } = await this.predictor.predict({ model: modelName, ref: String(version.version), rows: chunk, source: 'monitor', sample: false });
      predictions.forEach((prediction, i) => outputs.push({ prediction, probabilities: probabilities?.[i] ?? null }));
    }
    const columns = predictionColumns(version, outputs.some((o) => o.probabilities !== null));
    await writeOutputs(path, columns, Readable.from(outputs));
    await this.store.put(key, createReadStream(path), { contentType: 'application/jsonl' });
    return columns;
  }
}

/**
 * One output as a JSON Lines line: an object of the columns' values. JSON keeps a label's type and
 * spelling ("NA", "01"), which a CSV read by pandas would turn into a missing value or a number.
 */
export const outputLine = (columns: PredictionColumn[], { prediction, probabilities }: Output): string =>
  JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, c.valueOf(prediction, probabilities) ?? null])));

/** Outputs as JSON Lines (outputLine), written a few thousand lines at a time. */
export async function writeOutputs(path: string, columns: PredictionColumn[], outputs: AsyncIterable<Output>): Promise<void> {
  async function* lines() {
    let batch: string[] = [];
    for await (const output of outputs) {
      batch.push(outputLine(columns, output));
      if (batch.length >= LINES_PER_WRITE) {
        yield `${batch.join('\n')}\n`;
        batch = [];
      }
    }
    if (batch.length) yield `${batch.join('\n')}\n`;
  }
  await pipeline(Readable.from(lines()), createWriteStream(path));
}

async function firstLineOf(path: string): Promise<Record<string, unknown>> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const line = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0];
    return line ? (JSON.parse(line) as Record<string, unknown>) : {};
  } finally {
    await file.close();
  }
}
