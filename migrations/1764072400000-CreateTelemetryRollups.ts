import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTelemetryRollups1764072400000 implements MigrationInterface {
  name = 'CreateTelemetryRollups1764072400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.telemetry_rollups (
        minute timestamptz NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        tool text NOT NULL DEFAULT '',
        events integer NOT NULL,
        errors integer NOT NULL,
        p50_ms double precision,
        p95_ms double precision,
        p99_ms double precision,
        PRIMARY KEY (minute, type, source, tool)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.telemetry_rollups`);
  }
}
