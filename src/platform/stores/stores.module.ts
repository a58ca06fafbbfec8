import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DEPENDENCY_PROBES, DependencyName, DependencyProbe, HealthContributions, disabledProbe } from './dependency-probe';
import { PostgresProbe, RedisProbe } from './core.probes';
import { OptionalStore } from './optional-store';
import { QDRANT_CLIENT, S3_CLIENT } from './store-tokens';

/**
 * Clients of the external stores. PostgreSQL and Redis always; MongoDB, Qdrant and S3/MinIO only
 * when configured (their client libraries are not even loaded otherwise, which keeps idle memory
 * down), and their probe reports `disabled` when not.
 */
@Global()
@Module({})
export class StoresModule {
  static forRoot(config: AppConfig): DynamicModule {
    const optional: [DependencyName, OptionalStore | undefined][] = [
      ['mongodb', config.mongo && (require('./mongo.store') as typeof import('./mongo.store')).mongoStore(config.mongo.uri)],
      ['qdrant', config.qdrant && (require('./qdrant.store') as typeof import('./qdrant.store')).qdrantStore(config.qdrant)],
      ['s3', config.s3 && (require('./s3.store') as typeof import('./s3.store')).s3Store(config.s3)],
    ];
    const enabled = optional.flatMap(([, store]) => (store ? [store] : []));
    const nullClients: Provider[] = [
      ...(config.qdrant ? [] : [{ provide: QDRANT_CLIENT, useValue: null }]),
      ...(config.s3 ? [] : [{ provide: S3_CLIENT, useValue: null }]),
    ];
    const probes: Provider = {
      provide: DEPENDENCY_PROBES,
      inject: [PostgresProbe, RedisProbe, ...enabled.map((store) => store.probe)],
      useFactory: (...found: DependencyProbe[]): DependencyProbe[] => {
        const byName = new Map(found.map((probe) => [probe.name, probe]));
        return ['postgres', 'redis', ...optional.map(([name]) => name)].map((name) => byName.get(name as DependencyName) ?? disabledProbe(name as DependencyName));
      },
    };
    return {
      module: StoresModule,
      imports: enabled.flatMap((store) => store.imports ?? []),
      providers: [PostgresProbe, RedisProbe, ...enabled.flatMap((store) => store.providers), ...nullClients, probes, HealthContributions],
      exports: [QDRANT_CLIENT, S3_CLIENT, DEPENDENCY_PROBES, HealthContributions],
    };
  }
}
