import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTelemetryEvents1764072300000 implements MigrationInterface {
  name = 'CreateTelemetryEvents1764072300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.telemetry_events (
        source text NOT NULL,
        id uuid NOT NULL,
        time timestamptz NOT NULL,
        type text NOT NULL,
        severity text NOT NULL,
        subject text,
        trace_id text,
        span_id text,
        attributes jsonb,
        data jsonb,
        stored_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, id, time)
      ) PARTITION BY RANGE (time)`);
    // catches events outside the daily partitions made ahead, so none is ever refused
    await queryRunner.query(`CREATE TABLE mcp_hub.telemetry_events_default PARTITION OF mcp_hub.telemetry_events DEFAULT`);
    await queryRunner.query(`CREATE INDEX telemetry_events_type_time_idx ON mcp_hub.telemetry_events (type, time DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.telemetry_events`);
  }
}
