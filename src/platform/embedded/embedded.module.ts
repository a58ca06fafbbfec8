import { DynamicModule, Global, Module } from '@nestjs/common';
import { EmbeddedServices } from './embedded-services';
import { EmbeddedServicesShutdown } from './embedded-services-shutdown';

/** The PostgreSQL / Redis servers boot started or shares (none when both URLs point elsewhere). */
@Global()
@Module({})
export class EmbeddedModule {
  static forRoot(services: EmbeddedServices): DynamicModule {
    return {
      module: EmbeddedModule,
      providers: [{ provide: EmbeddedServices, useValue: services }, EmbeddedServicesShutdown],
      exports: [EmbeddedServices],
    };
  }
}
