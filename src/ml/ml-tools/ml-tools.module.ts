import { Module } from '@nestjs/common';
import { HubToolsModule } from '../../mcp/hub-tools/hub-tools.module';
import { BatchModule } from '../batch/batch.module';
import { DatasetsModule } from '../datasets/datasets.module';
import { TrainingModule } from '../training/training.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { RegistryModule } from '../registry/registry.module';
import { InferenceModule } from '../inference/inference.module';
import { AbTestsModule } from '../ab-tests/ab-tests.module';
import { BatchTools } from './batch-tools';
import { FeatureTools } from './feature-tools';
import { StudyTools } from './study-tools';
import { ExplainTool } from './explain-tool';
import { DriftTool } from './drift-tool';
import { MonitoringModule } from '../monitoring/monitoring.module';
import { ExplainModule } from '../explain/explain.module';
import { HpoModule } from '../hpo/hpo.module';
import { FeaturesModule } from '../features/features.module';
import { MlTools } from './ml-tools';
import { ModelTools } from './model-tools';
import { PredictTool } from './predict-tool';

@Module({ imports: [HubToolsModule, DatasetsModule, TrainingModule, ExperimentsModule, RegistryModule, InferenceModule, AbTestsModule, BatchModule, FeaturesModule, HpoModule, ExplainModule, MonitoringModule], providers: [MlTools, PredictTool, ModelTools, BatchTools, FeatureTools, StudyTools, ExplainTool, DriftTool] })
export class MlToolsModule {}
