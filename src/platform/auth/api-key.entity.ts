import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SCOPES = ['admin', 'mcp', 'read'] as const;
export type Scope = (typeof SCOPES)[number];

/** An API key; only the SHA-256 of its secret is stored. */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  /** The first characters of the secret, to recognise a key in lists. */
  @Column('text')
  prefix!: string;

  @Column('text', { unique: true })
  secretHash!: string;

  @Column('text', { array: true })
  scopes!: Scope[];

  @Column('text', { nullable: true })
  profile!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  lastUsedAt!: Date | null;
}
