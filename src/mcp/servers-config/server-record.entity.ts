import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A server added over the REST API: the mcpServers entry as given (placeholders unresolved). With
 * SECRETS_ENCRYPTION_KEY set, its secret-bearing fields are not in `entry` but sealed in `encryptedFields`.
 */
@Entity({ name: 'mcp_servers' })
export class ServerRecord {
  @PrimaryColumn('text')
  name!: string;

  @Column('jsonb')
  entry!: Record<string, unknown>;

  @Column('text', { nullable: true })
  encryptedFields!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
