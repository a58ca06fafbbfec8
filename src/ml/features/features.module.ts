import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module';
import { FeatureView } from './feature-view.entity';
import { FeatureViewsService } from './feature-views.service';
import { FeaturesController } from './features.controller';
import { HistoricalFeaturesService } from './historical-features.service';

@Module({
  imports: [TypeOrmModule.forFeature([FeatureView]), DatasetsModule],
  controllers: [FeaturesController],
  providers: [FeatureViewsService, HistoricalFeaturesService],
  exports: [FeatureViewsService],
})
export class FeaturesModule {}
