import { NodeProcess } from '../support/hub-process';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';

describe('npm run migration:run', () => {
  const databaseUrl = freshDatabaseUrl();
  afterAll(() => dropDatabase(databaseUrl));

  it('creates the database when missing, applies pending migrations once, then reports it is up to date', async () => {
    const first = new NodeProcess('dist/src/platform/database/migrate.js', { DATABASE_URL: databaseUrl });
    expect((await first.exited).code).toBe(0);
    expect(first.output).toContain(`Created database ${new URL(databaseUrl).pathname.slice(1)}`);
    expect(first.output).toMatch(/Applied \d+ migration\(s\):\n\s+CreateHubInstances1764072000000/);

    const tables = await queryDatabase<{ table_name: string }>(databaseUrl, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'mcp_hub' ORDER BY 1`);
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['hub_instances', 'migrations']));

    const second = new NodeProcess('dist/src/platform/database/migrate.js', { DATABASE_URL: databaseUrl });
    expect((await second.exited).code).toBe(0);
    expect(second.output).toContain('Database is up to date; no pending migrations.');
  });

  it('refuses to create the database when told not to', async () => {
    const run = new NodeProcess('dist/src/platform/database/migrate.js', { DATABASE_URL: freshDatabaseUrl(), DATABASE_CREATE_IF_MISSING: 'false' });
    expect((await run.exited).code).toBe(1);
    expect(run.output).toMatch(/does not exist and DATABASE_CREATE_IF_MISSING=false[\s\S]*createdb/);
  });
});
