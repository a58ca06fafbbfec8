import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { S3_CLIENT } from '../stores/store-tokens';
import { ARTIFACT_STORE } from './artifact-store';
import { FsArtifactStore } from './fs-artifact-store';

/**
 * The ArtifactStore every feature uses: S3/MinIO when S3_ENDPOINT is set, else GridFS when
 * MONGODB_URI is set, else the filesystem (ARTIFACTS_DIR).
 */
@Global()
@Module({})
export class ArtifactsModule {
  static forRoot(config: AppConfig): DynamicModule {
    let provider: Provider;
    if (config.s3) {
      const { S3ArtifactStore } = require('./s3-artifact-store') as typeof import('./s3-artifact-store');
      const { bucket, region } = config.s3;
      provider = { provide: ARTIFACT_STORE, inject: [S3_CLIENT], useFactory: (client: import('minio').Client) => new S3ArtifactStore(client, bucket, region) };
    } else if (config.mongo) {
      const { GridFsArtifactStore } = require('./gridfs-artifact-store') as typeof import('./gridfs-artifact-store');
      const { getConnectionToken } = require('@nestjs/mongoose') as typeof import('@nestjs/mongoose');
      provider = { provide: ARTIFACT_STORE, inject: [getConnectionToken()], useFactory: (connection: import('mongoose').Connection) => new GridFsArtifactStore(connection) };
    } else {
      provider = { provide: ARTIFACT_STORE, useValue: new FsArtifactStore(config.artifacts.dir) };
    }
    return { module: ArtifactsModule, providers: [provider], exports: [ARTIFACT_STORE] };
  }
}
