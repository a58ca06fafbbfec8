import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One point of a run's metric series. */
@Entity({ name: 'run_metrics' })
export class RunMetric {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq!: string;

  @Column('uuid')
  runId!: string;

  @Column('text')
  key!: string;

  @Column('double precision')
  value!: number;

  @Column('integer')
  step!: number;

  @Column('timestamptz')
  time!: Date;
}
