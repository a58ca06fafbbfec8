import { Global, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { dataSourceOptions } from './data-source-options';

/** Closes the PostgreSQL pool in the last shutdown phase. */
@Injectable()
class DatabasePoolCloser {
  constructor(dataSource: DataSource, coordinator: ShutdownCoordinator) {
    coordinator.register({
      phase: 'database',
      name: 'postgres-pool',
      close: async () => {
        if (dataSource.isInitialized) await dataSource.destroy();
      },
    });
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        migrationsRun: config.database.migrationsRun,
        autoLoadEntities: true,
        // boot has already waited for PostgreSQL (prepareDatabase); a failure here is not transient
        retryAttempts: 1,
        retryDelay: 500,
      }),
    }),
  ],
  providers: [DatabasePoolCloser],
})
export class DatabaseModule {}
