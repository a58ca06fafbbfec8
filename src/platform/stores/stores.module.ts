import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { QdrantClient } from '@qdrant/js-client-rest';
import { Client } from 'minio';
import { AppConfig } from '../config/app-config';
import { DEPENDENCY_PROBES, DependencyProbe, disabledProbe } from './dependency-probe';
import { MongoProbe, mongoConnectionModule, mongoProbeProvider } from './mongo.store';
import { QDRANT_CLIENT, QdrantProbe, qdrantClientProvider } from './qdrant.store';
import { S3_CLIENT, S3Probe, s3ClientProvider } from './s3.store';
import { PostgresProbe, RedisProbe } from './core.probes';

/**
 * Clients of the external stores. PostgreSQL and Redis always; MongoDB, Qdrant and S3/MinIO
 * only when configured, otherwise their probe reports `disabled`.
 */
@Global()
@Module({})
export class StoresModule {
  static forRoot(config: AppConfig): DynamicModule {
    const mongoProviders: Provider[] = config.mongo ? [mongoProbeProvider] : [];
    const probes: Provider = {
      provide: DEPENDENCY_PROBES,
      inject: [PostgresProbe, RedisProbe, QDRANT_CLIENT, S3_CLIENT, ...(config.mongo ? [MongoProbe] : [])],
      useFactory: (postgres: PostgresProbe, redis: RedisProbe, qdrant: QdrantClient | null, s3: Client | null, mongo?: MongoProbe): DependencyProbe[] => [
        postgres,
        redis,
        mongo ?? disabledProbe('mongodb'),
        qdrant ? new QdrantProbe(qdrant) : disabledProbe('qdrant'),
        s3 && config.s3 ? new S3Probe(s3, config.s3.bucket) : disabledProbe('s3'),
      ],
    };
    return {
      module: StoresModule,
      imports: config.mongo ? [mongoConnectionModule(config)] : [],
      providers: [PostgresProbe, RedisProbe, qdrantClientProvider, s3ClientProvider, ...mongoProviders, probes],
      exports: [QDRANT_CLIENT, S3_CLIENT, DEPENDENCY_PROBES],
    };
  }
}
