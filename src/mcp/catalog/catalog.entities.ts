import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns every catalog row shares: which server, whether it is reachable now, when it was last seen, and how it describes itself. */
abstract class CatalogRow {
  @PrimaryColumn('text')
  serverName!: string;

  @Column('boolean')
  available!: boolean;

  @Column('timestamptz')
  updatedAt!: Date;

  @Column('text', { nullable: true })
  title!: string | null;

  @Column('text', { nullable: true })
  description!: string | null;

  /** Every other field the upstream sent (icons, execution, _meta, ...), passed on to MCP clients unchanged. */
  @Column('jsonb', { nullable: true })
  extra!: Record<string, unknown> | null;
}

@Entity({ name: 'catalog_tools' })
export class CatalogTool extends CatalogRow {
  @PrimaryColumn('text')
  name!: string;

  @Column('jsonb')
  inputSchema!: Record<string, unknown>;

  @Column('jsonb', { nullable: true })
  outputSchema!: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  annotations!: Record<string, unknown> | null;
}

/** What resources and resource templates both describe. */
abstract class ResourceRow extends CatalogRow {
  @Column('text')
  name!: string;

  @Column('text', { nullable: true })
  mimeType!: string | null;
}

@Entity({ name: 'catalog_resources' })
export class CatalogResource extends ResourceRow {
  @PrimaryColumn('text')
  uri!: string;
}

@Entity({ name: 'catalog_resource_templates' })
export class CatalogResourceTemplate extends ResourceRow {
  @PrimaryColumn('text')
  uriTemplate!: string;
}

@Entity({ name: 'catalog_prompts' })
export class CatalogPrompt extends CatalogRow {
  @PrimaryColumn('text')
  name!: string;

  @Column('jsonb')
  arguments!: Record<string, unknown>[];
}

export const CATALOG_ENTITIES = [CatalogTool, CatalogResource, CatalogResourceTemplate, CatalogPrompt];
