import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DatasetFormat } from '../datasets/table-reader';
import type { PartAttempts } from './batch-chunks';

export const BATCH_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const FINAL_BATCH_STATUSES: readonly BatchStatus[] = ['succeeded', 'failed', 'cancelled'];
export const OUTPUT_FORMATS = ['csv', 'jsonl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Where the rows come from: a registered dataset, or a file named by URI (local:// under DATA_DIR, or an artifact). */
export type BatchInput = { kind: 'dataset'; datasetId: string; datasetName: string } | { kind: 'local'; uri: string; path: string } | { kind: 'artifact'; uri: string; key: string };

const bigint = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/**
 * One batch prediction job; BullMQ carries only its id. `rowsDone`, `parts` and `partAttempts` are
 * the checkpoint: parts 0..parts-1 are in the ArtifactStore and hold exactly the first rowsDone input rows.
 */
@Entity({ name: 'batch_predictions' })
export class BatchPrediction {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  model!: string;

  /** The ref as asked (production, champion, 3...). */
  @Column('text')
  ref!: string;

  /** The version the ref named at submit time; every chunk is predicted by this one. */
  @Column('integer')
  version!: number;

  @Column('jsonb')
  input!: BatchInput;

  @Column('text')
  inputFormat!: DatasetFormat;

  /** Content hash of the input, fixed on the first attempt; a resumed attempt refuses a changed file. */
  @Column('text', { nullable: true })
  inputSha256!: string | null;

  @Column('text', { nullable: true })
  idColumn!: string | null;

  @Column('integer')
  chunkSize!: number;

  @Column('text')
  outputFormat!: OutputFormat;

  @Column('text')
  status!: BatchStatus;

  @Column('bigint', { nullable: true, transformer: bigint })
  rowsTotal!: number | null;

  @Column('bigint', { transformer: bigint })
  rowsDone!: number;

  @Column('integer')
  parts!: number;

  @Column('bigint', { transformer: bigint })
  outputBytes!: number;

  /** The output's columns, fixed by the first committed chunk. */
  @Column('jsonb', { nullable: true })
  outputColumns!: string[] | null;

  /**
   * Which attempt wrote which parts: [first part, attempt] pairs, one added when an attempt starts.
   * Part keys carry their attempt, so a stale worker that still writes after losing the job never
   * overwrites a committed part.
   */
  @Column('jsonb')
  partAttempts!: PartAttempts;

  /** Raised when an attempt starts; a chunk commits only while it is still the attempt that holds the job. */
  @Column('integer')
  attempts!: number;

  @Column('text', { nullable: true })
  worker!: string | null;

  @Column('text', { nullable: true })
  error!: string | null;

  /** data | infrastructure | cancelled */
  @Column('text', { nullable: true })
  errorKind!: string | null;

  @Column('text')
  submittedBy!: string;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt!: Date | null;

  @Column('timestamptz')
  updatedAt!: Date;
}
