import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InstanceRole } from '../../platform/instance/instance-role';
import { RegistryService } from '../registry/registry.service';
import { ModelRouter } from './model-router';

/**
 * The HTTP hub loads every model's Production version once it has booted, in the background, so the
 * first prediction is not cold (promotions later are loaded by the router as they happen). Headless
 * workers load models on first use only.
 */
@Injectable()
export class ServingWarmup implements OnApplicationBootstrap {
  private readonly logger = new Logger('ServingWarmup');

  constructor(
    private readonly role: InstanceRole,
    private readonly registry: RegistryService,
    private readonly router: ModelRouter,
  ) {}

  onApplicationBootstrap(): void {
    if (this.role.role !== 'api') return;
    void this.warmProduction();
  }

  private async warmProduction(): Promise<void> {
    try {
      const models = (await this.registry.overview()).filter((m) => m.production !== null);
      for (const { model } of models) await this.router.warm(model.name);
      if (models.length) this.logger.log(`Loaded the Production version of ${models.length} models`);
    } catch (error) {
      this.logger.warn(`Loading Production models at boot failed; they load on first use: ${(error as Error).message}`);
    }
  }
}
