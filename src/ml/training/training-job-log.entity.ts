import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One log line of a training job, in order (seq) across attempts. */
@Entity({ name: 'training_job_logs' })
export class TrainingJobLog {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq!: string;

  @Column('uuid')
  jobId!: string;

  @Column('timestamptz')
  time!: Date;

  @Column('text')
  level!: string;

  @Column('text')
  message!: string;
}
