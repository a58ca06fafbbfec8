import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per running hub or worker process: who is up, since when, and how it stopped. */
@Entity({ name: 'hub_instances' })
export class HubInstance {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  role!: 'api' | 'worker';

  @Column('text')
  hostname!: string;

  @Column('integer')
  pid!: number;

  @Column('text')
  version!: string;

  @Column('timestamptz')
  startedAt!: Date;

  @Column('timestamptz', { nullable: true })
  stoppedAt!: Date | null;

  @Column('text', { nullable: true })
  stopReason!: string | null;

  /** HTTP port of an api instance. */
  @Column('integer', { nullable: true })
  port!: number | null;

  @Column('text', { nullable: true })
  workspace!: string | null;

  @Column('jsonb', { nullable: true })
  configFiles!: string[] | null;

  /** Refreshed every HEARTBEAT_MS while the process runs; a running row not seen for a while is a dead process. */
  @Column('timestamptz', { nullable: true })
  lastSeenAt!: Date | null;
}
