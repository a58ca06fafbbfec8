import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What one materialisation run did. */
export interface MaterializationRun {
  jobId: string;
  version: number;
  /** The window of source time read: (from, to]. */
  from: string | null;
  to: string;
  /** Source rows in the window, and the entities whose latest values were written. */
  sourceRows: number;
  entities: number;
  /** Entities whose newest value in the window was already past the TTL: not written. */
  expired: number;
  startedAt: string;
  finishedAt: string;
}

/** The online store's progress for one feature view: source time up to `watermark` is in Redis. */
@Entity({ name: 'feature_materializations' })
export class FeatureMaterialization {
  @PrimaryColumn('text')
  viewName!: string;

  /** The view version materialised; a new version starts from the beginning. */
  @Column('integer')
  version!: number;

  @Column('timestamptz', { nullable: true })
  watermark!: Date | null;

  @Column('jsonb', { nullable: true })
  lastRun!: MaterializationRun | null;

  @Column('timestamptz')
  updatedAt!: Date;
}
