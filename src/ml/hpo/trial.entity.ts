import { Column, Entity, PrimaryColumn } from 'typeorm';

export const TRIAL_STATES = ['asked', 'running', 'complete', 'pruned', 'failed'] as const;
export type TrialState = (typeof TRIAL_STATES)[number];

/**
 * One trial of a study: Optuna's trial `number`, the parameters it asked for, and the training job
 * that runs them. `asked` is the moment between Optuna's ask and the job being queued.
 */
@Entity({ name: 'hpo_trials' })
export class HpoTrial {
  @PrimaryColumn('uuid')
  studyId!: string;

  @PrimaryColumn('integer')
  number!: number;

  /** Optuna's id of the trial in its storage (what reports of intermediate values name). */
  @Column('integer')
  optunaTrialId!: number;

  @Column('uuid', { nullable: true, unique: true })
  jobId!: string | null;

  @Column('jsonb')
  params!: Record<string, unknown>;

  @Column('text')
  state!: TrialState;

  @Column('double precision', { nullable: true })
  value!: number | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt!: Date | null;
}
