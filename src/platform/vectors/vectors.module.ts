import { DynamicModule, Global, Module } from '@nestjs/common';
import type { QdrantClient } from '@qdrant/js-client-rest';
import { AppConfig } from '../config/app-config';
import { QDRANT_CLIENT } from '../stores/store-tokens';
import { InProcessVectorIndex } from './in-process-vector-index';
import { VECTOR_INDEX } from './vector-index';

/** The VectorIndex: Qdrant when QDRANT_URL is set, in-process otherwise. */
@Global()
@Module({})
export class VectorsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const provider = config.qdrant
      ? {
          provide: VECTOR_INDEX,
          inject: [QDRANT_CLIENT],
          useFactory: (client: QdrantClient) => {
            const { QdrantVectorIndex } = require('./qdrant-vector-index') as typeof import('./qdrant-vector-index');
            return new QdrantVectorIndex(client, config.redis.keyPrefix.replace(/:$/, '_'));
          },
        }
      : { provide: VECTOR_INDEX, useValue: new InProcessVectorIndex() };
    return { module: VectorsModule, providers: [provider], exports: [VECTOR_INDEX] };
  }
}
