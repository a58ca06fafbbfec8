import { MigrationInterface, QueryRunner } from 'typeorm';

/** Monitor runs gain prediction drift and performance on ground truth; ground truth rows reported per model. */
export class AddPredictionDriftAndGroundTruth1796780000000 implements MigrationInterface {
  name = 'AddPredictionDriftAndGroundTruth1796780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.drift_monitor_runs ADD COLUMN predictions jsonb NOT NULL DEFAULT '[]', ADD COLUMN prediction_drift boolean NOT NULL DEFAULT false, ADD COLUMN performance jsonb`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.ground_truth (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        model text NOT NULL,
        time timestamptz NOT NULL,
        input jsonb NOT NULL,
        actual jsonb NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ground_truth_model_time_idx ON mcp_hub.ground_truth (model, time)`);
    await queryRunner.query(`CREATE INDEX ground_truth_model_id_idx ON mcp_hub.ground_truth (model, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.ground_truth`);
    await queryRunner.query(`ALTER TABLE mcp_hub.drift_monitor_runs DROP COLUMN predictions, DROP COLUMN prediction_drift, DROP COLUMN performance`);
  }
}
