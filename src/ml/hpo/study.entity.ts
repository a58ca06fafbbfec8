import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SubmitTrainingJobDto } from '../training/training-job.dto';
import type { SamplerKind, SearchSpace } from './search-space';

export const STUDY_STATUSES = ['running', 'completed', 'stopped', 'failed'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

export type Direction = 'maximize' | 'minimize';

export interface PrunerSpec {
  kind: 'median' | 'successive-halving';
  startupTrials?: number;
  warmupSteps?: number;
  minResource?: number;
  reductionFactor?: number;
}

export interface BestTrial {
  number: number;
  value: number;
  params: Record<string, unknown>;
  jobId: string;
  runId: string | null;
  registered?: { model: string; version: number } | null;
}

/** One hyper-parameter search: what it tries, how it samples and prunes, and where it got to. */
@Entity({ name: 'hpo_studies' })
export class HpoStudy {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  name!: string;

  /** The training job every trial starts from; a trial's parameters go over its hyperparameters. */
  @Column('jsonb')
  baseJob!: SubmitTrainingJobDto;

  @Column('jsonb')
  searchSpace!: SearchSpace;

  @Column('jsonb')
  objective!: { metric: string; direction: Direction };

  @Column('text')
  sampler!: SamplerKind;

  @Column('jsonb', { nullable: true })
  pruner!: PrunerSpec | null;

  @Column('integer')
  seed!: number;

  @Column('integer')
  maxTrials!: number;

  @Column('integer')
  maxParallel!: number;

  @Column('integer', { nullable: true })
  timeoutSeconds!: number | null;

  @Column('text', { nullable: true })
  registerBestAs!: string | null;

  @Column('text')
  experiment!: string;

  @Column('text')
  status!: StudyStatus;

  @Column('jsonb', { nullable: true })
  best!: BestTrial | null;

  @Column('jsonb', { nullable: true })
  importances!: Record<string, number> | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  /** Set once no trial is active any more: the study is over, whatever its status says about why. */
  @Column('timestamptz', { nullable: true })
  finishedAt!: Date | null;

  @Column('timestamptz')
  updatedAt!: Date;
}
