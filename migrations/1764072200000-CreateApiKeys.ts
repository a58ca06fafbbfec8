import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeys1764072200000 implements MigrationInterface {
  name = 'CreateApiKeys1764072200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        prefix text NOT NULL,
        secret_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL CHECK (scopes <@ ARRAY['admin', 'mcp', 'read']::text[] AND cardinality(scopes) > 0),
        profile text,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.api_keys`);
  }
}
