import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One sampled prediction row: what came in and what the model answered (PREDICTION_LOG_SAMPLE_RATE). */
@Entity({ name: 'prediction_samples' })
export class PredictionSample {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('timestamptz')
  time!: Date;

  @Column('text')
  model!: string;

  @Column('integer')
  version!: number;

  /** rest, mcp, cli, ab-test, batch */
  @Column('text')
  source!: string;

  @Column('jsonb')
  input!: Record<string, unknown>;

  @Column('jsonb')
  prediction!: string | number;

  @Column('jsonb', { nullable: true })
  probabilities!: Record<string, number> | null;
}
