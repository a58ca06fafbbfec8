import { MigrationInterface, QueryRunner } from 'typeorm';

/** A model version's feature service: the online features predict fills in from entity keys. */
export class AddFeatureServiceToModelVersions1796730000000 implements MigrationInterface {
  name = 'AddFeatureServiceToModelVersions1796730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.model_versions ADD COLUMN feature_service jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.model_versions DROP COLUMN feature_service`);
  }
}
