import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Task, Validation } from '../adapters/adapter-protocol';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'pruned'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** pruned: stopped by a hyper-parameter search whose pruner judged the trial not worth finishing. */
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'pruned'];

export interface JobArtifact {
  key: string;
  uri: string;
  sha256: string;
  size: number;
  store: string;
  metadataKey: string;
}

/** One training job; BullMQ carries only its id, this row is the record. */
@Entity({ name: 'training_jobs' })
export class TrainingJob {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  adapter!: string;

  @Column('text')
  algorithm!: string;

  @Column('text')
  task!: Task;

  @Column('uuid')
  datasetId!: string;

  @Column('text')
  target!: string;

  @Column('text', { array: true })
  features!: string[];

  @Column('jsonb')
  hyperparameters!: Record<string, unknown>;

  @Column('jsonb')
  validation!: Validation;

  @Column('integer')
  seed!: number;

  @Column('text', { nullable: true })
  experiment!: string | null;

  @Column('text', { nullable: true })
  registerAs!: string | null;

  @Column('integer')
  timeoutMs!: number;

  /** The validation metric the adapter reports at every step (trees, epoch, fold); null: final metrics only. */
  @Column('text', { nullable: true })
  intermediateMetric!: string | null;

  @Column('text')
  status!: JobStatus;

  @Column('real')
  progress!: number;

  @Column('text', { nullable: true })
  stage!: string | null;

  @Column('integer')
  attempts!: number;

  @Column('text', { nullable: true })
  error!: string | null;

  /** data | infrastructure | timeout | cancelled */
  @Column('text', { nullable: true })
  errorKind!: string | null;

  @Column('jsonb', { nullable: true })
  metrics!: Record<string, number> | null;

  @Column('jsonb', { nullable: true })
  artifact!: JobArtifact | null;

  @Column('text', { nullable: true })
  worker!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt!: Date | null;

  @Column('timestamptz')
  updatedAt!: Date;
}
