import { Module } from '@nestjs/common';
import { DatasetsModule } from './datasets/datasets.module';
import { TrainingModule } from './training/training.module';
import { MlToolsModule } from './ml-tools/ml-tools.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { RegistryModule } from './registry/registry.module';
import { InferenceModule } from './inference/inference.module';
import { AbTestsModule } from './ab-tests/ab-tests.module';
import { BatchModule } from './batch/batch.module';
import { FeaturesModule } from './features/features.module';
import { HpoModule } from './hpo/hpo.module';
import { ExplainModule } from './explain/explain.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { MlHealthController } from './ml-health.controller';
import { MlHealthService } from './ml-health.service';

/** The ML pipeline: datasets, training, experiments, the model registry, online and batch predictions, A/B tests, the feature store, hyper-parameter search, explanations, drift reports, their ml__* MCP tools and the pipeline's health. */
@Module({
  imports: [DatasetsModule, TrainingModule, ExperimentsModule, RegistryModule, InferenceModule, AbTestsModule, BatchModule, FeaturesModule, HpoModule, ExplainModule, MonitoringModule, MlToolsModule],
  controllers: [MlHealthController],
  providers: [MlHealthService],
})
export class MlModule {}
