import { Inject, Injectable, Logger } from '@nestjs/common';
import { ARTIFACT_STORE, ArtifactStore } from '../../platform/artifacts/artifact-store';
import { committedPartKeys, partsPrefix } from './batch-chunks';
import { headerOf } from './batch-output';
import { BatchPrediction, OutputFormat } from './batch-prediction.entity';

const CONTENT_TYPES: Record<OutputFormat, string> = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' };

/**
 * A job's output as it lives in the ArtifactStore: one object per committed chunk under
 * batch/<job id>/, read back in order as one file. Parts of attempts that never committed them are
 * not part of the output and are deleted once the job ends.
 */
@Injectable()
export class BatchOutputs {
  private readonly logger = new Logger('BatchOutputs');

  constructor(@Inject(ARTIFACT_STORE) private readonly store: ArtifactStore) {}

  contentType(format: OutputFormat): string {
    return CONTENT_TYPES[format];
  }

  /** The whole output's size in bytes: the header line and the committed parts. */
  size(job: BatchPrediction): number {
    return Buffer.byteLength(headerOf(job.outputFormat, job.outputColumns ?? [])) + job.outputBytes;
  }

  /** The header, then each committed part in order; one part in memory at a time, each checksum-verified. */
  async *read(job: BatchPrediction): AsyncGenerator<Buffer> {
    const header = job.outputColumns ? headerOf(job.outputFormat, job.outputColumns) : '';
    if (header) yield Buffer.from(header);
    for (const key of committedPartKeys(job.id, job.parts, job.partAttempts, job.outputFormat)) yield await this.store.get(key);
  }

  /** Deletes every part of a job (cancelled or failed: no output to keep). */
  async discard(jobId: string): Promise<void> {
    await this.remove((await this.store.list(partsPrefix(jobId))).map((m) => m.key));
  }

  /** Deletes the parts written by attempts that lost the job before committing them. */
  async discardUncommitted(job: BatchPrediction): Promise<void> {
    const committed = new Set(committedPartKeys(job.id, job.parts, job.partAttempts, job.outputFormat));
    await this.remove((await this.store.list(partsPrefix(job.id))).map((m) => m.key).filter((key) => !committed.has(key)));
  }

  private async remove(keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.store.delete(key).catch((error: Error) => this.logger.warn(`Could not delete batch output part ${key}: ${error.message}`));
    }
  }
}
