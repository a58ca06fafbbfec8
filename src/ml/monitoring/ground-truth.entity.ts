import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One labelled row reported for a model: its inputs and the outcome that was observed for them. */
@Entity({ name: 'ground_truth' })
export class GroundTruth {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('text')
  model!: string;

  /** When the hub received it: a monitor run evaluates the rows received in its window. */
  @Column('timestamptz')
  time!: Date;

  @Column('jsonb')
  input!: Record<string, unknown>;

  @Column('jsonb')
  actual!: string | number | boolean;
}
