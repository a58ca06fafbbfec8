import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['catalog_tools', 'catalog_resources', 'catalog_resource_templates', 'catalog_prompts'];

/** What an upstream says of a tool, resource, template or prompt beyond the columns (icons, execution, _meta, ...), passed on unchanged. */
export class AddCatalogExtraFields1796400000000 implements MigrationInterface {
  name = 'AddCatalogExtraFields1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`ALTER TABLE mcp_hub.${table} ADD COLUMN extra jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`ALTER TABLE mcp_hub.${table} DROP COLUMN extra`);
  }
}
