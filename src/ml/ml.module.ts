import { Module } from '@nestjs/common';
import { DatasetsModule } from './datasets/datasets.module';
import { TrainingModule } from './training/training.module';
import { MlToolsModule } from './ml-tools/ml-tools.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { RegistryModule } from './registry/registry.module';

/** The ML pipeline: datasets, training, experiments, the model registry and their ml__* MCP tools. */
@Module({ imports: [DatasetsModule, TrainingModule, ExperimentsModule, RegistryModule, MlToolsModule] })
export class MlModule {}
