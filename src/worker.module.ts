import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './platform/config/app-config';
import { PlatformModule } from './platform/platform.module';
import { EmbeddedServices } from './platform/embedded/embedded-services';
import { TelemetryModule } from './telemetry/telemetry.module';
import { MlModule } from './ml/ml.module';

/** The headless worker: the same platform and features, no HTTP: training jobs and telemetry consumers. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, services?: EmbeddedServices): DynamicModule {
    return { module: WorkerModule, imports: [PlatformModule.forRoot(config, 'worker', services), MlModule, TelemetryModule] };
  }
}
