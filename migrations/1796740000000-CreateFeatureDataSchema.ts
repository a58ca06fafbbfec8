import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where registered datasets are loaded as tables when a feature view reads one. */
export class CreateFeatureDataSchema1796740000000 implements MigrationInterface {
  name = 'CreateFeatureDataSchema1796740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS feature_data`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA IF EXISTS feature_data CASCADE`);
  }
}
