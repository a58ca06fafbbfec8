import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The variant a unit was served, recorded once: the primary key makes concurrent first requests agree. */
@Entity({ name: 'ab_test_assignments' })
export class AbTestAssignment {
  @PrimaryColumn('uuid')
  testId!: string;

  @PrimaryColumn('text')
  unitId!: string;

  @Column('text')
  variant!: string;

  @Column('timestamptz')
  firstSeenAt!: Date;
}
