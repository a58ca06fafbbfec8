import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Online values are now kept per view version (features:<view>:v<version>:…): what earlier runs wrote
 * is no longer read, so every view is materialised from the start again on its next run.
 */
export class ResetFeatureWatermarks1796750000000 implements MigrationInterface {
  name = 'ResetFeatureWatermarks1796750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE mcp_hub.feature_materializations SET watermark = NULL`);
  }

  async down(): Promise<void> {
    // nothing to undo: a watermark is only an optimisation of the next run
  }
}
