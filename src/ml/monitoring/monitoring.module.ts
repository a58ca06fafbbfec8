import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdaptersModule } from '../adapters/adapters.module';
import { DatasetsModule } from '../datasets/datasets.module';
import { RegistryModule } from '../registry/registry.module';
import { InferenceModule } from '../inference/inference.module';
import { TrainingModule } from '../training/training.module';
import { DriftCheck } from './drift-check';
import { DriftMonitor, DriftMonitorRun } from './drift-monitor.entity';
import { GroundTruthController } from './ground-truth.controller';
import { GroundTruth } from './ground-truth.entity';
import { GroundTruthService } from './ground-truth.service';
import { DriftReportService } from './drift-report.service';
import { MONITOR_QUEUE } from './monitor-queue';
import { MonitorRunner } from './monitor-runner';
import { MonitorWorker } from './monitor.worker';
import { MonitoringHealth } from './monitoring-health';
import { MonitoringController } from './monitoring.controller';
import { MonitorsController } from './monitors.controller';
import { MonitorsService } from './monitors.service';
import { ReferencePredictions } from './reference-predictions';
import { TrainingReference } from './training-reference';

/** Drift between a model's training data and current data (reports on demand, monitors on a schedule), and performance on reported ground truth. */
@Module({
  imports: [TypeOrmModule.forFeature([DriftMonitor, DriftMonitorRun, GroundTruth]), BullModule.registerQueue({ name: MONITOR_QUEUE }), AdaptersModule, DatasetsModule, RegistryModule, TrainingModule, InferenceModule],
  controllers: [MonitoringController, MonitorsController, GroundTruthController],
  providers: [DriftCheck, TrainingReference, ReferencePredictions, GroundTruthService, DriftReportService, MonitorRunner, MonitorsService, MonitorWorker, MonitoringHealth],
  exports: [DriftReportService, MonitorsService],
})
export class MonitoringModule {}
