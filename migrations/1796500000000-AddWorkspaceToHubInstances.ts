import { MigrationInterface, QueryRunner } from 'typeorm';

/** What `GET /api/workspaces` lists of each running hub: where it listens, which workspace and files it serves, and when it last said it was alive. */
export class AddWorkspaceToHubInstances1796500000000 implements MigrationInterface {
  name = 'AddWorkspaceToHubInstances1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE mcp_hub.hub_instances
        ADD COLUMN port integer,
        ADD COLUMN workspace text,
        ADD COLUMN config_files jsonb,
        ADD COLUMN last_seen_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_hub.hub_instances DROP COLUMN port, DROP COLUMN workspace, DROP COLUMN config_files, DROP COLUMN last_seen_at`);
  }
}
