import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConfigError, loadConfig } from '../config/load-config';
import { AppError } from '../errors/app-error';
import { dataSourceOptions } from './data-source-options';
import { prepareDatabase } from './prepare-database';
import { startEmbeddedServices } from '../embedded/embedded-services';

/** Creates the database and schema when missing, then applies pending migrations. */
export async function migrate(config: AppConfig, log: (line: string) => void = console.log): Promise<string[]> {
  const prepared = await prepareDatabase({
    url: config.database.url,
    schema: config.database.schema,
    createIfMissing: config.database.createIfMissing,
    timeoutMs: config.startup.timeoutMs,
  });
  if (prepared.created) log(`Created database ${new URL(config.database.url).pathname.slice(1)}`);
  const dataSource = new DataSource({ ...dataSourceOptions(config), logging: ['error'] });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  loadDotenv({ quiet: true });
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    console.error((error as ConfigError).message);
    process.exit(1);
  }
  // DATABASE_URL unset and nothing at DATABASE_PROBE_URL: the embedded server (shared with a running hub, or started for this run)
  startEmbeddedServices(config, { kinds: ['postgres'] })
    .then(async ({ config: resolved, services }) => {
      try {
        const applied = await migrate(resolved);
        console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'Database is up to date; no pending migrations.');
      } finally {
        await services.stopAll(10000);
      }
    })
    .catch((error: Error) => {
      console.error(`Migration failed: ${error.message}`);
      if (error instanceof AppError && (error.details as { hint?: string })?.hint) console.error((error.details as { hint: string }).hint);
      process.exit(1);
    });
}
