import { Global, Logger, Module, OnModuleDestroy, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ShutdownCoordinator } from './shutdown-coordinator';
import { HttpDrain } from './http-drain';

/** Runs the phases when Nest closes the app (tests call app.close()); signals are handled in main.ts. */
@Injectable()
class ShutdownOnClose implements OnModuleDestroy {
  constructor(private readonly coordinator: ShutdownCoordinator) {}

  async onModuleDestroy(): Promise<void> {
    await this.coordinator.shutdown('application close');
  }
}

@Global()
@Module({
  providers: [
    {
      provide: ShutdownCoordinator,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ShutdownCoordinator(
          { defaultMs: config.shutdown.phaseTimeoutMs, perPhaseMs: { ingress: config.shutdown.drainTimeoutMs, workers: config.training.shutdownGraceMs + config.shutdown.phaseTimeoutMs } },
          new Logger('Shutdown'),
        ),
    },
    ShutdownOnClose,
    HttpDrain,
  ],
  exports: [ShutdownCoordinator, HttpDrain],
})
export class ShutdownModule {}
