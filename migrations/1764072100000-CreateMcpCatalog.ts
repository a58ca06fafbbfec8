import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMcpCatalog1764072100000 implements MigrationInterface {
  name = 'CreateMcpCatalog1764072100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.mcp_servers (
        name text PRIMARY KEY,
        entry jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.catalog_tools (
        server_name text NOT NULL,
        name text NOT NULL,
        title text,
        description text,
        input_schema jsonb NOT NULL,
        output_schema jsonb,
        annotations jsonb,
        available boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (server_name, name)
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.catalog_resources (
        server_name text NOT NULL,
        uri text NOT NULL,
        name text NOT NULL,
        title text,
        description text,
        mime_type text,
        available boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (server_name, uri)
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.catalog_resource_templates (
        server_name text NOT NULL,
        uri_template text NOT NULL,
        name text NOT NULL,
        title text,
        description text,
        mime_type text,
        available boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (server_name, uri_template)
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.catalog_prompts (
        server_name text NOT NULL,
        name text NOT NULL,
        title text,
        description text,
        arguments jsonb NOT NULL,
        available boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (server_name, name)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['catalog_prompts', 'catalog_resource_templates', 'catalog_resources', 'catalog_tools', 'mcp_servers']) {
      await queryRunner.query(`DROP TABLE mcp_hub.${table}`);
    }
  }
}
