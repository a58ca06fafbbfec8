import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatasetsModule } from '../datasets/datasets.module';
import { InferenceModule } from '../inference/inference.module';
import { RegistryModule } from '../registry/registry.module';
import { BatchInputs } from './batch-inputs';
import { BatchJobRecorder } from './batch-job-recorder';
import { BatchOutputs } from './batch-outputs';
import { BatchPrediction } from './batch-prediction.entity';
import { BatchPredictionsController } from './batch-predictions.controller';
import { BatchPredictionsService } from './batch-predictions.service';
import { BATCH_QUEUE } from './batch-queue';
import { BatchWorker } from './batch.worker';
import { BatchGauges } from './batch-gauges';

/** Batch prediction: jobs on their own BullMQ queue (connection and prefix from the BullModule root the training module sets up). */
@Module({
  imports: [TypeOrmModule.forFeature([BatchPrediction]), BullModule.registerQueue({ name: BATCH_QUEUE }), DatasetsModule, RegistryModule, InferenceModule],
  controllers: [BatchPredictionsController],
  providers: [BatchPredictionsService, BatchJobRecorder, BatchInputs, BatchOutputs, BatchWorker, BatchGauges],
  exports: [BatchPredictionsService],
})
export class BatchModule {}
