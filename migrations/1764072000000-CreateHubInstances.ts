import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHubInstances1764072000000 implements MigrationInterface {
  name = 'CreateHubInstances1764072000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_hub.hub_instances (
        id uuid PRIMARY KEY,
        role text NOT NULL CHECK (role IN ('api', 'worker')),
        hostname text NOT NULL,
        pid integer NOT NULL,
        version text NOT NULL,
        started_at timestamptz NOT NULL,
        stopped_at timestamptz,
        stop_reason text
      )`);
    await queryRunner.query(`CREATE INDEX hub_instances_running_idx ON mcp_hub.hub_instances (started_at DESC) WHERE stopped_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mcp_hub.hub_instances`);
  }
}
