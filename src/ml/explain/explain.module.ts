import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module';
import { InferenceModule } from '../inference/inference.module';
import { TrainingModule } from '../training/training.module';
import { BackgroundSample } from './background-sample';
import { ExplainController } from './explain.controller';
import { ExplainService } from './explain.service';

/** Explanations of registered models' predictions. */
@Module({
  imports: [InferenceModule, DatasetsModule, TrainingModule],
  controllers: [ExplainController],
  providers: [ExplainService, BackgroundSample],
  exports: [ExplainService],
})
export class ExplainModule {}
