import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

export interface SignatureInput {
  name: string;
  /** The dataset column's type: integer | number | boolean | string. */
  type: string;
  /** String columns: the values seen in training; a prediction with another value is refused. Absent: not checked. */
  categories?: string[];
}

export interface ModelSignature {
  inputs: SignatureInput[];
  /** null for a model uploaded to a run: trained elsewhere, its output is not known here. */
  output: { name: string; type: string; task: string; classes?: string[] | null } | null;
}

@Entity({ name: 'registered_models' })
export class RegisteredModel {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  name!: string;

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('jsonb')
  tags!: Record<string, string>;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;

  /** Set while the model is soft-deleted: hidden from lists, its versions frozen, restorable. */
  @Column('timestamptz', { nullable: true })
  deletedAt!: Date | null;
}

@Entity({ name: 'model_versions' })
export class ModelVersion {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  modelId!: string;

  @Column('integer')
  version!: number;

  @Column('uuid', { nullable: true })
  runId!: string | null;

  @Column('uuid', { nullable: true })
  trainingJobId!: string | null;

  @Column('text')
  artifactUri!: string;

  @Column('text')
  artifactKey!: string;

  @Column('text')
  artifactSha256!: string;

  @Column('jsonb')
  signature!: ModelSignature;

  @Column('jsonb')
  metrics!: Record<string, number>;

  @Column('text')
  stage!: Stage;

  @Column('text', { nullable: true })
  description!: string | null;

  /**
   * The online features predict fills in when a row carries only entity keys: `view@version:feature`
   * references, the versions the training data was built from (set from the dataset's lineage).
   */
  @Column('jsonb', { nullable: true })
  featureService!: { features: string[] } | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}

@Entity({ name: 'model_aliases' })
export class ModelAlias {
  @PrimaryColumn('uuid')
  modelId!: string;

  @PrimaryColumn('text')
  alias!: string;

  @Column('integer')
  version!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}

/** The audit trail: every version created, stage transition and alias move. */
@Entity({ name: 'model_history' })
export class ModelHistoryEntry {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq!: string;

  @Column('uuid')
  modelId!: string;

  @Column('integer', { nullable: true })
  version!: number | null;

  /** version_created | stage_transition | alias_set | alias_removed | model_deleted | model_restored */
  @Column('text')
  action!: string;

  @Column('text', { nullable: true })
  fromValue!: string | null;

  @Column('text', { nullable: true })
  toValue!: string | null;

  @Column('text')
  actor!: string;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('timestamptz')
  time!: Date;
}
