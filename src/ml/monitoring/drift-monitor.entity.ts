import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ColumnDrift, DriftThresholds } from './drift-check';
import type { PerformanceResult } from './model-performance';

/** A schedule that compares a model's recent prediction inputs and outputs with its training data, and judges it on reported ground truth. */
@Entity({ name: 'drift_monitors' })
export class DriftMonitor {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { unique: true }) name!: string;
  @Column('text') model!: string;
  /** The version a run looks at is the one this ref names then (production by default). */
  @Column('text') ref!: string;
  @Column('integer') everySeconds!: number;
  /** A run reads the predictions since the previous run, at most this far back. */
  @Column('integer') windowSeconds!: number;
  /** Fewer prediction rows than this: the run is skipped (too few to judge). */
  @Column('integer') minRows!: number;
  @Column('jsonb') thresholds!: DriftThresholds;
  @Column('timestamptz') createdAt!: Date;
}

export type MonitorRunStatus = 'ok' | 'drift' | 'skipped' | 'failed';

@Entity({ name: 'drift_monitor_runs' })
export class DriftMonitorRun {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') monitorId!: string;
  @Column('integer', { nullable: true }) version!: number | null;
  @Column('timestamptz') windowFrom!: Date;
  @Column('timestamptz') windowTo!: Date;
  @Column('integer') currentRows!: number;
  @Column('text') status!: MonitorRunStatus;
  @Column('text', { array: true }) drifted!: string[];
  @Column('double precision', { nullable: true }) share!: number | null;
  @Column('jsonb') columns!: ColumnDrift[];
  /** The version's outputs (prediction, class probabilities) against its own predictions on its training data. */
  @Column('jsonb') predictions!: ColumnDrift[];
  @Column('boolean') predictionDrift!: boolean;
  /** The version judged on the ground truth received in the window; null when too little arrived. */
  @Column('jsonb', { nullable: true }) performance!: PerformanceResult | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz') createdAt!: Date;
}
