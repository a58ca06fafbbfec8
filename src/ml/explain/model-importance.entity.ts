import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface ImportanceResult {
  metric: string;
  /** The metric on the validation rows as they are. */
  baseline: number;
  rows: number;
  /** Column → the metric's drop when it is shuffled (mean and std over the repeats), largest first. */
  importances: { column: string; mean: number; std: number }[];
}

/** A version's permutation importance for one metric and number of repeats: computed once, then read. */
@Entity({ name: 'model_importances' })
export class ModelImportance {
  @PrimaryColumn('uuid')
  versionId!: string;

  @PrimaryColumn('text')
  metric!: string;

  @PrimaryColumn('integer')
  repeats!: number;

  @Column('jsonb')
  result!: ImportanceResult;

  @Column('timestamptz')
  createdAt!: Date;
}
