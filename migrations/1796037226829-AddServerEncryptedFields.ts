import { MigrationInterface, QueryRunner } from 'typeorm';

/** Servers added over the API keep their secret-bearing fields (args, env, url, headers) here, sealed, when SECRETS_ENCRYPTION_KEY is set. */
export class AddServerEncryptedFields1796037226829 implements MigrationInterface {
  name = 'AddServerEncryptedFields1796037226829';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.mcp_servers ADD COLUMN encrypted_fields text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.mcp_servers DROP COLUMN encrypted_fields`);
  }
}
