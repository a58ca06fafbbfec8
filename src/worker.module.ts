import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './platform/config/app-config';
import { PlatformModule } from './platform/platform.module';
import { TelemetryModule } from './telemetry/telemetry.module';

/** The headless worker: the same platform, no HTTP; queue processors join it as features land. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [PlatformModule.forRoot(config, 'worker'), TelemetryModule] };
  }
}
