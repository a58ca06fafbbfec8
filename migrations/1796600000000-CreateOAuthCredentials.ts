import { MigrationInterface, QueryRunner } from 'typeorm';

/** OAuth 2.1 credentials of remote upstream servers: client registration, tokens and PKCE verifier sealed with SECRETS_ENCRYPTION_KEY. */
export class CreateOAuthCredentials1796600000000 implements MigrationInterface {
  name = 'CreateOAuthCredentials1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.oauth_credentials (
        server_name text PRIMARY KEY,
        server_url text NOT NULL,
        client_information text,
        tokens text,
        tokens_expire_at timestamptz,
        code_verifier text,
        discovery_state jsonb,
        pending_state text UNIQUE,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.oauth_credentials`);
  }
}
