import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module';
import { InferenceModule } from '../inference/inference.module';
import { TrainingModule } from '../training/training.module';
import { BackgroundSample } from './background-sample';
import { ExplainController } from './explain.controller';
import { ExplainService } from './explain.service';
import { ImportanceService } from './importance.service';
import { ModelImportance } from './model-importance.entity';

/** Explanations of registered models' predictions. */
@Module({
  imports: [TypeOrmModule.forFeature([ModelImportance]), InferenceModule, DatasetsModule, TrainingModule],
  controllers: [ExplainController],
  providers: [ExplainService, BackgroundSample, ImportanceService],
  exports: [ExplainService],
})
export class ExplainModule {}
