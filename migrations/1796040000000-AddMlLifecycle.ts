import { MigrationInterface, QueryRunner } from 'typeorm';

/** Soft delete for experiments, runs and registered models (MLflow's lifecycle): a deleted row is hidden from lists and can be restored. */
export class AddMlLifecycle1796040000000 implements MigrationInterface {
  name = 'AddMlLifecycle1796040000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['experiments', 'runs', 'registered_models']) await queryRunner.query(`ALTER TABLE mcp_hub.${table} ADD COLUMN deleted_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['experiments', 'runs', 'registered_models']) await queryRunner.query(`ALTER TABLE mcp_hub.${table} DROP COLUMN deleted_at`);
  }
}
