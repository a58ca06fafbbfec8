import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ARTIFACT_STORE } from './artifact-store';
import { FsArtifactStore } from './fs-artifact-store';

/** The ArtifactStore every feature uses; the filesystem (ARTIFACTS_DIR) is the default. */
@Global()
@Module({
  providers: [{ provide: ARTIFACT_STORE, inject: [AppConfig], useFactory: (config: AppConfig) => new FsArtifactStore(config.artifacts.dir) }],
  exports: [ARTIFACT_STORE],
})
export class ArtifactsModule {}
