import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'experiments' })
export class Experiment {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  name!: string;

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('timestamptz')
  createdAt!: Date;
  /** Set while the row is soft-deleted (hidden from lists, restorable). */
  @Column('timestamptz', { nullable: true })
  deletedAt!: Date | null;
}
