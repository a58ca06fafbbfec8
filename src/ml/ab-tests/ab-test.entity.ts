import { Column, Entity, PrimaryColumn } from 'typeorm';

export const METRIC_KINDS = ['proportion', 'mean'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export const AB_TEST_STATUSES = ['running', 'stopped', 'concluded'] as const;
export type AbTestStatus = (typeof AB_TEST_STATUSES)[number];

/** A variant as created: `ref` is what the caller named, `version` what it resolved to then, and what the test serves. */
export interface AbVariant {
  name: string;
  ref: string;
  version: number;
  weight: number;
}

export interface AbConclusion {
  winner: string | null;
  /** The winner's version, promoted to Production unless it was there already. */
  version: number | null;
  promoted: boolean;
  reason: string;
  actor: string;
  /** The results the decision was taken on, as GET .../results answered at that moment. */
  results: object;
}

/** An A/B test of versions of one registered model. The first variant is the control. */
@Entity({ name: 'ab_tests' })
export class AbTest {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  name!: string;

  @Column('uuid')
  modelId!: string;

  @Column('text')
  modelName!: string;

  @Column('jsonb')
  variants!: AbVariant[];

  @Column('text')
  metricKind!: MetricKind;

  @Column('text')
  metricName!: string;

  /** Absolute difference (rate or mean units) the sample size is planned for; null: no plan. */
  @Column('double precision', { nullable: true })
  minimumDetectableEffect!: number | null;

  @Column('double precision')
  alpha!: number;

  @Column('double precision')
  power!: number;

  @Column('text')
  status!: AbTestStatus;

  @Column('text')
  createdBy!: string;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  stoppedAt!: Date | null;

  @Column('text', { nullable: true })
  stoppedBy!: string | null;

  @Column('timestamptz', { nullable: true })
  concludedAt!: Date | null;

  @Column('jsonb', { nullable: true })
  conclusion!: AbConclusion | null;
}
