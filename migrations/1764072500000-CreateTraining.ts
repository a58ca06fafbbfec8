import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTraining1764072500000 implements MigrationInterface {
  name = 'CreateTraining1764072500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.datasets (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        uri text NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'jsonl')),
        size_bytes bigint NOT NULL,
        sha256 text NOT NULL,
        row_count integer NOT NULL,
        columns jsonb NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.training_jobs (
        id uuid PRIMARY KEY,
        adapter text NOT NULL,
        algorithm text NOT NULL,
        task text NOT NULL CHECK (task IN ('classification', 'regression')),
        dataset_id uuid NOT NULL REFERENCES mcp_hub.datasets (id),
        target text NOT NULL,
        features text[] NOT NULL,
        hyperparameters jsonb NOT NULL,
        validation jsonb NOT NULL,
        seed integer NOT NULL,
        experiment text,
        register_as text,
        timeout_ms integer NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        progress real NOT NULL DEFAULT 0,
        stage text,
        attempts integer NOT NULL DEFAULT 0,
        error text,
        error_kind text,
        metrics jsonb,
        artifact jsonb,
        worker text,
        created_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX training_jobs_status_created_idx ON mcp_hub.training_jobs (status, created_at DESC)`);
    await queryRunner.query(`CREATE INDEX training_jobs_created_idx ON mcp_hub.training_jobs (created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.training_job_logs (
        seq bigserial PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES mcp_hub.training_jobs (id) ON DELETE CASCADE,
        time timestamptz NOT NULL,
        level text NOT NULL,
        message text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX training_job_logs_job_idx ON mcp_hub.training_job_logs (job_id, seq)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.training_job_logs`);
    await queryRunner.query(`DROP TABLE mcp_hub.training_jobs`);
    await queryRunner.query(`DROP TABLE mcp_hub.datasets`);
  }
}
