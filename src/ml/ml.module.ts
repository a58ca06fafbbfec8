import { Module } from '@nestjs/common';
import { DatasetsModule } from './datasets/datasets.module';
import { TrainingModule } from './training/training.module';
import { MlToolsModule } from './ml-tools/ml-tools.module';

/** The ML pipeline: datasets, training and their ml__* MCP tools (the registry and what follows join here). */
@Module({ imports: [DatasetsModule, TrainingModule, MlToolsModule] })
export class MlModule {}
