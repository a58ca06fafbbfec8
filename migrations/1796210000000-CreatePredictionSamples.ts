import { MigrationInterface, QueryRunner } from 'typeorm';

/** A sample of served predictions (input row and output) per model version, for drift checks against the training data. */
export class CreatePredictionSamples1796210000000 implements MigrationInterface {
  name = 'CreatePredictionSamples1796210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.prediction_samples (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        time timestamptz NOT NULL,
        model text NOT NULL,
        version integer NOT NULL,
        source text NOT NULL,
        input jsonb NOT NULL,
        prediction jsonb NOT NULL,
        probabilities jsonb
      )`);
    await queryRunner.query(`CREATE INDEX prediction_samples_model_version_id ON mcp_hub.prediction_samples (model, version, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.prediction_samples`);
  }
}
