import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ColumnProfile } from './dataset-profile';
import { DatasetFormat } from './table-reader';

/** A registered dataset: where it is, its content hash and its inferred schema. */
@Entity({ name: 'datasets' })
export class Dataset {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  name!: string;

  @Column('text')
  uri!: string;

  @Column('text')
  format!: DatasetFormat;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sizeBytes!: number;

  @Column('text')
  sha256!: string;

  @Column('integer')
  rowCount!: number;

  @Column('jsonb')
  columns!: ColumnProfile[];

  @Column('timestamptz')
  createdAt!: Date;

  /** What the dataset was built from (historical features: the views, versions and features), when the hub built it. */
  @Column('jsonb', { nullable: true })
  lineage!: Record<string, unknown> | null;
}
