import 'reflect-metadata';
import { Command } from 'commander';
import { config as loadDotenv } from 'dotenv';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/load-config';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { migrate } from '../database/migrate';
import { startEmbeddedServices } from '../embedded/embedded-services';
import { ApiKey, SCOPES, Scope } from './api-key.entity';
import { newApiKey } from './api-keys.service';

/** `npm run keys:create -- --name admin --scopes admin`: the first key, written straight to the database. */
async function main(): Promise<void> {
  const options = new Command()
    .name('keys:create')
    .requiredOption('--name <name>', 'what the key is for')
    .option('--scopes <scopes>', `comma-separated: ${SCOPES.join(', ')}`, 'admin')
    .option('--profile <profile>', 'bind the key to a profile')
    .parse()
    .opts<{ name: string; scopes: string; profile?: string }>();
  const scopes = options.scopes.split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (unknown.length) throw new Error(`unknown scope(s) ${unknown.join(', ')}; use ${SCOPES.join(', ')}`);

  loadDotenv({ quiet: true });
  // DATABASE_URL unset and nothing at DATABASE_PROBE_URL: the embedded server (shared with a running hub, or started for this run)
  const { config, services } = await startEmbeddedServices(loadConfig(), { kinds: ['postgres'] });
  try {
    await migrate(config, () => undefined);
    await insertKey(config, options);
  } finally {
    await services.stopAll(10000);
  }
}

async function insertKey(config: AppConfig, options: { name: string; scopes: string; profile?: string }): Promise<void> {
  const scopes = options.scopes.split(',').map((s) => s.trim());
  const dataSource = await new DataSource({ ...dataSourceOptions(config), entities: [ApiKey], logging: ['error'] }).initialize();
  try {
    const { key, secret } = newApiKey(options.name, scopes as Scope[], options.profile ?? null);
    await dataSource.getRepository(ApiKey).insert(key);
    process.stderr.write(`Created API key "${key.name}" (${key.id}) with scopes ${key.scopes.join(', ')}${key.profile ? `, bound to profile ${key.profile}` : ''}.\nStore the secret now; it is not shown again:\n`);
    process.stdout.write(`${secret}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`keys:create failed: ${error instanceof ConfigError ? error.message : error.message}\n`);
  process.exit(1);
});
