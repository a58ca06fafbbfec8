import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { FeatureMaterialization } from './feature-materialization.entity';
import { MATERIALIZATION_QUEUE } from './materialization-queue';
import { MaterializationWorker } from './materialization.worker';
import { MaterializationsService } from './materializations.service';
import { Materializer } from './materializer';
import { OnlineStore } from './online-store';
import { DatasetSource } from './dataset-source';
import { OnlineFeatureFill } from './online-feature-fill';
import { FeatureServiceBindings } from './feature-service-bindings';
import { RegistryModule } from '../registry/registry.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module';
import { FeatureView } from './feature-view.entity';
import { FeatureViewsService } from './feature-views.service';
import { FeaturesController } from './features.controller';
import { FeatureServiceController } from './feature-service.controller';
import { HistoricalFeaturesService } from './historical-features.service';

@Module({
  imports: [TypeOrmModule.forFeature([FeatureView, FeatureMaterialization]), BullModule.registerQueue({ name: MATERIALIZATION_QUEUE }), DatasetsModule, RegistryModule],
  controllers: [FeaturesController, FeatureServiceController],
  providers: [DatasetSource, FeatureViewsService, HistoricalFeaturesService, OnlineStore, Materializer, MaterializationWorker, MaterializationsService, OnlineFeatureFill, FeatureServiceBindings],
  exports: [FeatureViewsService, MaterializationsService, OnlineFeatureFill],
})
export class FeaturesModule {}
