import { MigrationInterface, QueryRunner } from 'typeorm';

/** A/B tests of model versions: the tests, each unit's variant (one row per unit) and each unit's outcome. */
export class CreateAbTests1796300000000 implements MigrationInterface {
  name = 'CreateAbTests1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.ab_tests (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        model_id uuid NOT NULL REFERENCES mcp_hub.registered_models (id),
        model_name text NOT NULL,
        variants jsonb NOT NULL,
        metric_kind text NOT NULL CHECK (metric_kind IN ('proportion', 'mean')),
        metric_name text NOT NULL,
        minimum_detectable_effect double precision CHECK (minimum_detectable_effect > 0),
        alpha double precision NOT NULL CHECK (alpha > 0 AND alpha < 1),
        power double precision NOT NULL CHECK (power > 0 AND power < 1),
        status text NOT NULL CHECK (status IN ('running', 'stopped', 'concluded')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        stopped_at timestamptz,
        stopped_by text,
        concluded_at timestamptz,
        conclusion jsonb
      )`);
    await queryRunner.query(`CREATE INDEX ab_tests_model_idx ON mcp_hub.ab_tests (model_id)`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.ab_test_assignments (
        test_id uuid NOT NULL REFERENCES mcp_hub.ab_tests (id) ON DELETE CASCADE,
        unit_id text NOT NULL,
        variant text NOT NULL,
        first_seen_at timestamptz NOT NULL,
        PRIMARY KEY (test_id, unit_id)
      )`);
    await queryRunner.query(`CREATE INDEX ab_test_assignments_variant_idx ON mcp_hub.ab_test_assignments (test_id, variant)`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.ab_test_outcomes (
        test_id uuid NOT NULL,
        unit_id text NOT NULL,
        value double precision NOT NULL,
        reports integer NOT NULL DEFAULT 1,
        first_recorded_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (test_id, unit_id),
        FOREIGN KEY (test_id, unit_id) REFERENCES mcp_hub.ab_test_assignments (test_id, unit_id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['ab_test_outcomes', 'ab_test_assignments', 'ab_tests']) await queryRunner.query(`DROP TABLE mcp_hub.${table}`);
  }
}
