import { join } from 'node:path';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { AppConfig } from '../config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Compiled: dist/migrations/*.js; under ts-jest or ts-node: migrations/*.ts. */
export const MIGRATIONS_GLOB = join(__dirname, '..', '..', '..', 'migrations', `*.${__filename.endsWith('.ts') ? 'ts' : 'js'}`);

export function dataSourceOptions(config: AppConfig): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    schema: config.database.schema,
    synchronize: false,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    logging: ['error', 'warn', 'migration'],
    extra: { max: config.database.poolMax, connectionTimeoutMillis: config.startup.timeoutMs, application_name: 'mcp-hub' },
  };
}
