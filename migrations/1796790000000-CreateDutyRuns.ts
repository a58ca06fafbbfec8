import { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per period of a scheduled duty: the claim that lets exactly one process run it. */
export class CreateDutyRuns1796790000000 implements MigrationInterface {
  name = 'CreateDutyRuns1796790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.duty_runs (
        duty text NOT NULL,
        period timestamptz NOT NULL,
        instance_id uuid NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        error text,
        PRIMARY KEY (duty, period)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.duty_runs`);
  }
}
