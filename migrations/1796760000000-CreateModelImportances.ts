import { MigrationInterface, QueryRunner } from 'typeorm';

/** Permutation importances, computed once per model version, metric and number of repeats. */
export class CreateModelImportances1796760000000 implements MigrationInterface {
  name = 'CreateModelImportances1796760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.model_importances (
        version_id uuid NOT NULL REFERENCES mcp_hub.model_versions (id) ON DELETE CASCADE,
        metric text NOT NULL,
        repeats integer NOT NULL,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (version_id, metric, repeats)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.model_importances`);
  }
}
