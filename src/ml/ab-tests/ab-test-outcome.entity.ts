import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One observation per assigned unit: a later report replaces the value, `reports` counts them. */
@Entity({ name: 'ab_test_outcomes' })
export class AbTestOutcome {
  @PrimaryColumn('uuid')
  testId!: string;

  @PrimaryColumn('text')
  unitId!: string;

  @Column('double precision')
  value!: number;

  @Column('integer')
  reports!: number;

  @Column('timestamptz')
  firstRecordedAt!: Date;

  @Column('timestamptz')
  recordedAt!: Date;
}
