import { Module } from '@nestjs/common';
import { AdaptersModule } from '../adapters/adapters.module';
import { DatasetsModule } from '../datasets/datasets.module';
import { RegistryModule } from '../registry/registry.module';
import { TrainingModule } from '../training/training.module';
import { DriftCheck } from './drift-check';
import { DriftReportService } from './drift-report.service';
import { MonitoringController } from './monitoring.controller';

/** Drift between a model's training data and current data. */
@Module({
  imports: [AdaptersModule, DatasetsModule, RegistryModule, TrainingModule],
  controllers: [MonitoringController],
  providers: [DriftCheck, DriftReportService],
  exports: [DriftReportService],
})
export class MonitoringModule {}
