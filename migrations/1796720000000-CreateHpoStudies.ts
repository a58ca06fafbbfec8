import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hyper-parameter search: studies and their trials (each trial one training job), training jobs that
 * end `pruned` and report a validation metric per step, and the schema Optuna keeps its own tables in.
 */
export class CreateHpoStudies1796720000000 implements MigrationInterface {
  name = 'CreateHpoStudies1796720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.training_jobs DROP CONSTRAINT training_jobs_status_check`);
    await queryRunner.query(`ALTER TABLE mcp_hub.training_jobs ADD CONSTRAINT training_jobs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'pruned'))`);
    await queryRunner.query(`ALTER TABLE mcp_hub.training_jobs ADD COLUMN intermediate_metric text`);
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS optuna`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.hpo_studies (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        base_job jsonb NOT NULL,
        search_space jsonb NOT NULL,
        objective jsonb NOT NULL,
        sampler text NOT NULL,
        pruner jsonb,
        seed integer NOT NULL,
        max_trials integer NOT NULL,
        max_parallel integer NOT NULL,
        timeout_seconds integer,
        register_best_as text,
        experiment text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'completed', 'stopped', 'failed')),
        best jsonb,
        importances jsonb,
        error text,
        created_at timestamptz NOT NULL,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.hpo_trials (
        study_id uuid NOT NULL REFERENCES mcp_hub.hpo_studies (id) ON DELETE CASCADE,
        number integer NOT NULL,
        optuna_trial_id integer NOT NULL,
        job_id uuid UNIQUE,
        params jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('asked', 'running', 'complete', 'pruned', 'failed')),
        value double precision,
        error text,
        created_at timestamptz NOT NULL,
        finished_at timestamptz,
        PRIMARY KEY (study_id, number)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.hpo_trials`);
    await queryRunner.query(`DROP TABLE mcp_hub.hpo_studies`);
    await queryRunner.query(`DROP SCHEMA IF EXISTS optuna CASCADE`);
    await queryRunner.query(`ALTER TABLE mcp_hub.training_jobs DROP COLUMN intermediate_metric`);
    await queryRunner.query(`UPDATE mcp_hub.training_jobs SET status = 'cancelled' WHERE status = 'pruned'`);
    await queryRunner.query(`ALTER TABLE mcp_hub.training_jobs DROP CONSTRAINT training_jobs_status_check`);
    await queryRunner.query(`ALTER TABLE mcp_hub.training_jobs ADD CONSTRAINT training_jobs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))`);
  }
}
