import { MigrationInterface, QueryRunner } from 'typeorm';

/** Batch prediction jobs: the request, the version it pinned, and the checkpoint (rows done, parts written) that makes a job resumable. */
export class CreateBatchPredictions1796200000000 implements MigrationInterface {
  name = 'CreateBatchPredictions1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.batch_predictions (
        id uuid PRIMARY KEY,
        model text NOT NULL,
        ref text NOT NULL,
        version integer NOT NULL,
        input jsonb NOT NULL,
        input_format text NOT NULL CHECK (input_format IN ('csv', 'jsonl')),
        input_sha256 text,
        id_column text,
        chunk_size integer NOT NULL CHECK (chunk_size > 0),
        output_format text NOT NULL CHECK (output_format IN ('csv', 'jsonl')),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        rows_total bigint,
        rows_done bigint NOT NULL DEFAULT 0,
        parts integer NOT NULL DEFAULT 0,
        output_bytes bigint NOT NULL DEFAULT 0,
        output_columns jsonb,
        part_attempts jsonb NOT NULL DEFAULT '[]',
        attempts integer NOT NULL DEFAULT 0,
        worker text,
        error text,
        error_kind text,
        submitted_by text NOT NULL,
        created_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX batch_predictions_created_idx ON mcp_hub.batch_predictions (created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX batch_predictions_status_idx ON mcp_hub.batch_predictions (status, created_at DESC)`);
    await queryRunner.query(`CREATE INDEX batch_predictions_model_idx ON mcp_hub.batch_predictions (model, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.batch_predictions`);
  }
}
