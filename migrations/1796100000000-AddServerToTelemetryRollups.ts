import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rollups are kept per server and tool: a call to nope/echo is no longer counted with everything/echo. */
export class AddServerToTelemetryRollups1796100000000 implements MigrationInterface {
  name = 'AddServerToTelemetryRollups1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.telemetry_rollups ADD COLUMN server text NOT NULL DEFAULT ''`);
    // rows rolled up before this change mixed servers; the lookback recomputes recent minutes with the new key
    await queryRunner.query(`ALTER TABLE mcp_hub.telemetry_rollups DROP CONSTRAINT telemetry_rollups_pkey`);
    await queryRunner.query(`ALTER TABLE mcp_hub.telemetry_rollups ADD PRIMARY KEY (minute, type, source, server, tool)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM mcp_hub.telemetry_rollups WHERE server <> ''`);
    await queryRunner.query(`ALTER TABLE mcp_hub.telemetry_rollups DROP CONSTRAINT telemetry_rollups_pkey`);
    await queryRunner.query(`ALTER TABLE mcp_hub.telemetry_rollups DROP COLUMN server`);
    await queryRunner.query(`ALTER TABLE mcp_hub.telemetry_rollups ADD PRIMARY KEY (minute, type, source, tool)`);
  }
}
