import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { FeatureViewDefinition } from './feature-view-definition';

/** One version of a feature view: its definition as applied, never changed afterwards. */
@Entity({ name: 'feature_views' })
export class FeatureView {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('integer')
  version!: number;

  @Column('jsonb')
  definition!: FeatureViewDefinition;

  /** Stable JSON of the definition: applying the same one again makes no new version. */
  @Column('text')
  fingerprint!: string;

  @Column('timestamptz')
  createdAt!: Date;
}
