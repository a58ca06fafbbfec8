import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ARTIFACT_STORE, ArtifactChecksumError, ArtifactStore } from '../../platform/artifacts/artifact-store';
import { AppConfig } from '../../platform/config/app-config';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { DatasetFileError, openInsideDataDir, sha256Of } from '../datasets/dataset-file';
import { DatasetsService } from '../datasets/datasets.service';
import { DatasetFormat, formatOf, RawRow, readRowBatches, TableFormatError } from '../datasets/table-reader';
import { BatchDataError } from './batch-errors';
import { parseBatchInputUri } from './batch-input';
import { BatchInput, BatchPrediction } from './batch-prediction.entity';

/** What a request names as input, resolved at submit time. `columns` is null until the file is read. */
export interface ResolvedInput {
  input: BatchInput;
  format: DatasetFormat;
  rowsTotal: number | null;
  sha256: string | null;
  columns: string[] | null;
}

/** The rows of a job's input, the same bytes on every attempt; `close` releases the file. */
export interface OpenedInput {
  /** The rows in the batches the reader hands over. */
  rows: AsyncIterable<RawRow[]>;
  /** Set when this attempt counted the rows (an input first read by this attempt). */
  surveyed?: { rowsTotal: number; sha256: string };
  close(): Promise<void>;
}

/**
 * The inputs a batch job reads: a registered dataset (its file, checked against the registered
 * hash), a local:// file inside DATA_DIR (opened once per attempt and checked to lie there), or an
 * object of the ArtifactStore (checksum verified). A resumed attempt reads the very bytes the first
 * one read: the content hash is fixed by the first attempt and a changed input fails the job.
 */
@Injectable()
export class BatchInputs {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly config: AppConfig,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  async resolve(request: { datasetId?: string; uri?: string; format?: DatasetFormat }): Promise<ResolvedInput> {
    if ((request.datasetId === undefined) === (request.uri === undefined)) throw new ValidationFailedError([{ field: 'input', reason: 'give either datasetId (a registered dataset) or uri (local://... or artifact://...), not both or neither' }]);
    if (request.datasetId !== undefined) {
      const dataset = await this.datasets.get(request.datasetId).catch((error: unknown) => {
        if (error instanceof NotFoundError) throw new ValidationFailedError([{ field: 'input.datasetId', reason: `no dataset with id or name "${request.datasetId}"; register it with POST /api/ml/datasets` }]);
        throw error;
      });
      if (request.format && request.format !== dataset.format) throw new ValidationFailedError([{ field: 'input.format', reason: `dataset "${dataset.name}" is ${dataset.format}` }]);
      return { input: { kind: 'dataset', datasetId: dataset.id, datasetName: dataset.name }, format: dataset.format, rowsTotal: dataset.rowCount, sha256: dataset.sha256, columns: dataset.columns.map((c) => c.name) };
    }
    const uri = request.uri!;
    const location = parseBatchInputUri(uri, this.config.datasets.dir, this.storePrefix());
    const format = request.format ?? formatOf(location.kind === 'local' ? location.path : location.key);
    if (!format) throw new ValidationFailedError([{ field: 'input.format', reason: 'cannot be inferred from the file name; pass "csv" or "jsonl"' }]);
    if (location.kind === 'local') {
      const { handle } = await openInsideDataDir(location.path, this.config.datasets.dir).catch((error: unknown) => {
        if (error instanceof DatasetFileError) throw new ValidationFailedError([{ field: 'input.uri', reason: error.problems[0].reason }]);
        throw error;
      });
      await handle.close();
      return { input: { kind: 'local', uri, path: location.path }, format, rowsTotal: null, sha256: null, columns: null };
    }
    const meta = await this.store.stat(location.key);
    if (!meta) throw new ValidationFailedError([{ field: 'input.uri', reason: `no artifact "${location.key}" in the ${this.store.kind} artifact store` }]);
    return { input: { kind: 'artifact', uri, key: location.key }, format, rowsTotal: null, sha256: meta.sha256, columns: null };
  }

  /** Opens the job's input for one attempt; BatchDataError when it is gone or no longer what the job started with. */
  async open(job: BatchPrediction): Promise<OpenedInput> {
    const input = job.input;
    if (input.kind === 'dataset') {
      const dataset = await this.datasets.get(input.datasetId).catch((error: unknown) => {
        throw error instanceof NotFoundError ? new BatchDataError(`dataset "${input.datasetName}" was deleted`) : error;
      });
      const path = await this.datasets.localCopy(dataset).catch((error: unknown) => {
        throw error instanceof ConflictError ? new BatchDataError((error as Error).message) : error;
      });
      if (dataset.sha256 !== job.inputSha256) throw new BatchDataError(`dataset "${dataset.name}" is not the file the job started with`);
      return { rows: this.parsed(readRowBatches(path, job.inputFormat)), close: async () => undefined };
    }
    if (input.kind === 'local') return this.openLocal(job, input.path);
    const meta = await this.store.stat(input.key);
    if (!meta) throw new BatchDataError(`artifact "${input.key}" is gone`);
    if (meta.sha256 !== job.inputSha256) throw new BatchDataError(`artifact "${input.key}" changed since the job was submitted (sha256 ${meta.sha256}, was ${job.inputSha256})`);
    const surveyed = job.rowsTotal === null ? { rowsTotal: await count(this.parsed(readRowBatches(await this.store.open(input.key), job.inputFormat))), sha256: meta.sha256 } : undefined;
    const stream = await this.store.open(input.key);
    return { rows: this.parsed(readRowBatches(stream, job.inputFormat)), surveyed, close: async () => void stream.destroy() };
  }

  private async openLocal(job: BatchPrediction, path: string): Promise<OpenedInput> {
    const open = () =>
      openInsideDataDir(path, this.config.datasets.dir).catch((error: unknown) => {
        throw error instanceof DatasetFileError ? new BatchDataError(error.problems[0].reason) : error;
      });
    const { handle } = await open();
    try {
      let surveyed: OpenedInput['surveyed'];
      if (job.inputSha256 === null) {
        // reading rows closes the handle they are read from, so the survey reads a second one, checked to be the same file
        const { handle: second } = await open();
        try {
          const [a, b] = await Promise.all([handle.stat(), second.stat()]);
          if (a.dev !== b.dev || a.ino !== b.ino) throw new BatchDataError(`${path} was replaced while it was opened`);
          const hash = createHash('sha256');
          const rowsTotal = await count(this.parsed(readRowBatches(second, job.inputFormat, (chunk) => hash.update(chunk))));
          surveyed = { rowsTotal, sha256: hash.digest('hex') };
        } finally {
          await second.close().catch(() => undefined);
        }
      }
      // the survey just hashed this very file; a resumed attempt checks it is still the one the job started on
      if (!surveyed) {
        const sha256 = await sha256Of(handle);
        if (sha256 !== job.inputSha256) throw new BatchDataError(`${path} changed since the job started (sha256 ${sha256}, was ${job.inputSha256})`);
      }
      return { rows: this.parsed(readRowBatches(handle, job.inputFormat)), surveyed, close: () => handle.close().catch(() => undefined) };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** A file that is not valid CSV / JSON Lines, or an artifact whose bytes are not what was stored, is a data problem, never retried. */
  private async *parsed(rows: AsyncIterable<RawRow[]>): AsyncGenerator<RawRow[]> {
    try {
      yield* rows;
    } catch (error) {
      if (error instanceof TableFormatError) throw new BatchDataError(`the input is not valid ${error.message}`);
      if (error instanceof ArtifactChecksumError) throw new BatchDataError(error.message);
      throw error;
    }
  }

  /** The URI prefix of this hub's artifact store (file:///..., s3://bucket/, gridfs://artifacts/). */
  private storePrefix(): string {
    const probe = this.store.uri('probe');
    return probe.slice(0, -'probe'.length);
  }
}

async function count(batches: AsyncIterable<RawRow[]>): Promise<number> {
  let n = 0;
  for await (const batch of batches) n += batch.length;
  return n;
}
