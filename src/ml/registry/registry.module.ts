import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Dataset } from '../datasets/dataset.entity';
import { ExperimentsModule } from '../experiments/experiments.module';
import { ModelArtifacts } from '../training/model-artifacts';
import { TrainingJob } from '../training/training-job.entity';
import { ModelAlias, ModelHistoryEntry, ModelVersion, RegisteredModel } from './registry.entities';
import { RegistryController } from './registry.controller';
import { RegistryService } from './registry.service';
import { ModelWebhooks } from './model-webhooks';
import { RegistryChangeRelay } from './registry-change-relay';

@Module({
  imports: [TypeOrmModule.forFeature([RegisteredModel, ModelVersion, ModelAlias, ModelHistoryEntry, TrainingJob, Dataset]), ExperimentsModule],
  controllers: [RegistryController],
  providers: [RegistryService, ModelWebhooks, RegistryChangeRelay, ModelArtifacts],
  exports: [RegistryService, RegistryChangeRelay],
})
export class RegistryModule {}
