import { Column, Entity, PrimaryColumn } from 'typeorm';

export const RUN_STATUSES = ['running', 'finished', 'failed', 'killed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One run of an experiment: write-once params, tags, artifacts; metrics live in run_metrics. */
@Entity({ name: 'runs' })
export class Run {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  experimentId!: string;

  @Column('text', { nullable: true })
  name!: string | null;

  @Column('text')
  status!: RunStatus;

  @Column('jsonb')
  params!: Record<string, string>;

  @Column('jsonb')
  tags!: Record<string, string>;

  @Column('jsonb')
  artifacts!: { name: string; uri: string; sha256?: string }[];

  @Column('text', { nullable: true })
  datasetSha256!: string | null;

  @Column('uuid', { nullable: true })
  parentRunId!: string | null;

  @Column('uuid', { nullable: true })
  trainingJobId!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  endedAt!: Date | null;
  /** Set while the row is soft-deleted (hidden from lists, restorable). */
  @Column('timestamptz', { nullable: true })
  deletedAt!: Date | null;
}
