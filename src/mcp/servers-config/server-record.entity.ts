import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A server added over the REST API; `entry` is the mcpServers entry as given (placeholders unresolved). */
@Entity({ name: 'mcp_servers' })
export class ServerRecord {
  @PrimaryColumn('text')
  name!: string;

  @Column('jsonb')
  entry!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
