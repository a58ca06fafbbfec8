import { MigrationInterface, QueryRunner } from 'typeorm';

/** Drift monitors over live predictions, and each of their runs (the time series). */
export class CreateDriftMonitors1796770000000 implements MigrationInterface {
  name = 'CreateDriftMonitors1796770000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.drift_monitors (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        model text NOT NULL,
        ref text NOT NULL,
        every_seconds integer NOT NULL,
        window_seconds integer NOT NULL,
        min_rows integer NOT NULL,
        thresholds jsonb NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE mcp_hub.drift_monitor_runs (
        id uuid PRIMARY KEY,
        monitor_id uuid NOT NULL REFERENCES mcp_hub.drift_monitors (id) ON DELETE CASCADE,
        version integer,
        window_from timestamptz NOT NULL,
        window_to timestamptz NOT NULL,
        current_rows integer NOT NULL,
        status text NOT NULL CHECK (status IN ('ok', 'drift', 'skipped', 'failed')),
        drifted text[] NOT NULL,
        share double precision,
        columns jsonb NOT NULL,
        error text,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX drift_monitor_runs_monitor_idx ON mcp_hub.drift_monitor_runs (monitor_id, window_to DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.drift_monitor_runs`);
    await queryRunner.query(`DROP TABLE mcp_hub.drift_monitors`);
  }
}
