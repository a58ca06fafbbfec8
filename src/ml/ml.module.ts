import { Module } from '@nestjs/common';
import { DatasetsModule } from './datasets/datasets.module';
import { TrainingModule } from './training/training.module';

/** The ML pipeline: datasets and training (the registry and what follows join here). */
@Module({ imports: [DatasetsModule, TrainingModule] })
export class MlModule {}
