import { Module } from '@nestjs/common';
import { HubToolsModule } from '../../mcp/hub-tools/hub-tools.module';
import { BatchModule } from '../batch/batch.module';
import { DatasetsModule } from '../datasets/datasets.module';
import { TrainingModule } from '../training/training.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { RegistryModule } from '../registry/registry.module';
import { AbTestsModule } from '../ab-tests/ab-tests.module';
import { BatchTools } from './batch-tools';
import { MlTools } from './ml-tools';

@Module({ imports: [HubToolsModule, DatasetsModule, TrainingModule, ExperimentsModule, RegistryModule, AbTestsModule, BatchModule], providers: [MlTools, BatchTools] })
export class MlToolsModule {}
