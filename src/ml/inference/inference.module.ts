import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdaptersModule } from '../adapters/adapters.module';
import { FeaturesModule } from '../features/features.module';
import { RegistryModule } from '../registry/registry.module';
import { ModelFiles } from './model-files';
import { ModelPredictor } from './model-predictor';
import { ModelRouter } from './model-router';
import { NodeModelRuntime } from './node-model-runtime';
import { PredictionLog } from './prediction-log';
import { PredictionSample } from './prediction-sample.entity';
import { PredictionService } from './prediction.service';
import { PythonServingPool } from './python-serving-pool';
import { ServingHealth } from './serving-health';
import { ServingRuntimes } from './serving-runtimes';
import { ServingWarmup } from './serving-warmup';

@Module({
  imports: [TypeOrmModule.forFeature([PredictionSample]), RegistryModule, AdaptersModule, FeaturesModule],
  providers: [
    PredictionService,
    { provide: ModelPredictor, useExisting: PredictionService },
    ModelRouter,
    ServingRuntimes,
    ModelFiles,
    NodeModelRuntime,
    PythonServingPool,
    PredictionLog,
    ServingHealth,
    ServingWarmup,
  ],
  exports: [ModelPredictor, ServingHealth, ModelRouter, ServingRuntimes, ModelFiles],
})
export class InferenceModule {}
