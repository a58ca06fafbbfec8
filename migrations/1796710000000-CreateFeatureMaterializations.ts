import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where each online feature view's materialisation got to (its watermark) and what its last run did. */
export class CreateFeatureMaterializations1796710000000 implements MigrationInterface {
  name = 'CreateFeatureMaterializations1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.feature_materializations (
        view_name text PRIMARY KEY,
        version integer NOT NULL,
        watermark timestamptz,
        last_run jsonb,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.feature_materializations`);
  }
}
