import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './platform/config/app-config';
import { PlatformModule } from './platform/platform.module';
import { EmbeddedServices } from './platform/embedded/embedded-services';
import { HealthModule } from './health/health.module';
import { DebugModule } from './debug/debug.module';
import { McpModule } from './mcp/mcp.module';
import { TelemetryModule } from './telemetry/telemetry.module';
import { MlModule } from './ml/ml.module';
import { InferenceHttpModule } from './ml/inference/inference-http.module';

/** The HTTP hub: platform first, features after. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, services?: EmbeddedServices): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config, 'api', services), HealthModule, McpModule, MlModule, InferenceHttpModule, TelemetryModule, ...(config.debugRoutes ? [DebugModule] : [])],
    };
  }
}
