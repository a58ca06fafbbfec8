import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateExperimentsAndRegistry1764072600000 implements MigrationInterface {
  name = 'CreateExperimentsAndRegistry1764072600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.experiments (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        description text,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.runs (
        id uuid PRIMARY KEY,
        experiment_id uuid NOT NULL REFERENCES mcp_hub.experiments (id),
        name text,
        status text NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
        params jsonb NOT NULL DEFAULT '{}',
        tags jsonb NOT NULL DEFAULT '{}',
        artifacts jsonb NOT NULL DEFAULT '[]',
        dataset_sha256 text,
        parent_run_id uuid REFERENCES mcp_hub.runs (id),
        training_job_id uuid UNIQUE REFERENCES mcp_hub.training_jobs (id),
        created_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX runs_experiment_idx ON mcp_hub.runs (experiment_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.run_metrics (
        seq bigserial PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES mcp_hub.runs (id) ON DELETE CASCADE,
        key text NOT NULL,
        value double precision NOT NULL,
        step integer NOT NULL DEFAULT 0,
        time timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX run_metrics_run_key_idx ON mcp_hub.run_metrics (run_id, key, step, seq)`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.registered_models (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        description text,
        tags jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.model_versions (
        id uuid PRIMARY KEY,
        model_id uuid NOT NULL REFERENCES mcp_hub.registered_models (id) ON DELETE CASCADE,
        version integer NOT NULL,
        run_id uuid REFERENCES mcp_hub.runs (id),
        training_job_id uuid REFERENCES mcp_hub.training_jobs (id),
        artifact_uri text NOT NULL,
        artifact_key text NOT NULL,
        artifact_sha256 text NOT NULL,
        signature jsonb NOT NULL,
        metrics jsonb NOT NULL,
        stage text NOT NULL DEFAULT 'None' CHECK (stage IN ('None', 'Staging', 'Production', 'Archived')),
        description text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (model_id, version)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX model_versions_one_production ON mcp_hub.model_versions (model_id) WHERE stage = 'Production'`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.model_aliases (
        model_id uuid NOT NULL REFERENCES mcp_hub.registered_models (id) ON DELETE CASCADE,
        alias text NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (model_id, alias)
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.model_history (
        seq bigserial PRIMARY KEY,
        model_id uuid NOT NULL REFERENCES mcp_hub.registered_models (id) ON DELETE CASCADE,
        version integer,
        action text NOT NULL,
        from_value text,
        to_value text,
        actor text NOT NULL,
        reason text,
        time timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX model_history_model_idx ON mcp_hub.model_history (model_id, seq)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['model_history', 'model_aliases', 'model_versions', 'registered_models', 'run_metrics', 'runs', 'experiments']) await queryRunner.query(`DROP TABLE mcp_hub.${table}`);
  }
}
