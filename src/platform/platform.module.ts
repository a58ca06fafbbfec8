import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { LoggingModule } from './logging/logging.module';
import { ShutdownModule } from './shutdown/shutdown.module';
import { DatabaseModule } from './database/database.module';
import { RedisModule } from './redis/redis.module';
import { StoresModule } from './stores/stores.module';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { VectorsModule } from './vectors/vectors.module';
import { InstanceModule } from './instance/instance.module';
import { InstanceRole } from './instance/instance-role';
import { ClusterModule } from './cluster/cluster.module';
import { EventsModule } from './events/events.module';
import { MetricsModule } from './metrics/metrics.module';
import { AuthModule } from './auth/auth.module';
import { SecretsModule } from './secrets/secrets.module';
import { EmbeddedModule } from './embedded/embedded.module';
import { EmbeddedServices } from './embedded/embedded-services';

/** Everything a feature stands on, shared by the HTTP hub and the worker. */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig, role: InstanceRole['role'], services: EmbeddedServices = EmbeddedServices.none()): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        ShutdownModule,
        EmbeddedModule.forRoot(services),
        EventsModule,
        MetricsModule,
        SecretsModule,
        DatabaseModule,
        RedisModule,
        StoresModule.forRoot(config),
        ArtifactsModule.forRoot(config),
        VectorsModule.forRoot(config),
        InstanceModule.forRole(role),
        ClusterModule,
        ...(role === 'api' ? [AuthModule] : []),
      ],
    };
  }
}
