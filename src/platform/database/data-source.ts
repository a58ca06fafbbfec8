import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';

/** For the TypeORM CLI (npm run migration:generate); the hub itself builds its DataSource in DatabaseModule. */
export default new DataSource({
  ...dataSourceOptions(loadConfig()),
  entities: [join(__dirname, '..', '..', '**', '*.entity.{ts,js}')],
});
