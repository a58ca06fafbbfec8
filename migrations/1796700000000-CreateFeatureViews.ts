import { MigrationInterface, QueryRunner } from 'typeorm';

/** Feature views, versioned (a changed definition is a new version; old ones stay readable), and the lineage of datasets built from them. */
export class CreateFeatureViews1796700000000 implements MigrationInterface {
  name = 'CreateFeatureViews1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.feature_views (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        version integer NOT NULL,
        definition jsonb NOT NULL,
        fingerprint text NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (name, version)
      )`);
    await queryRunner.query(`ALTER TABLE mcp_hub.datasets ADD COLUMN lineage jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.datasets DROP COLUMN lineage`);
    await queryRunner.query(`DROP TABLE mcp_hub.feature_views`);
  }
}
