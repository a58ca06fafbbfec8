import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../platform/config/app-config';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { AdapterRuntimeService } from '../adapters/adapter-runtime.service';
import { AdaptersController } from '../adapters/adapters.controller';
import { DatasetsModule } from '../datasets/datasets.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { RegistryModule } from '../registry/registry.module';
import { JobCancellation } from './job-cancellation';
import { ModelArtifacts } from './model-artifacts';
import { TrainingJob } from './training-job.entity';
import { TrainingJobLog } from './training-job-log.entity';
import { TrainingJobRecorder } from './training-job-recorder';
import { TrainingJobsController } from './training-jobs.controller';
import { TrainingJobsService } from './training-jobs.service';
import { bullPrefix, TRAINING_QUEUE } from './training-queue';
import { TrainingWorker } from './training.worker';
import { TrainingGauges } from './training-gauges';

const trainingQueue = BullModule.registerQueue({ name: TRAINING_QUEUE });

@Module({
  imports: [
    TypeOrmModule.forFeature([TrainingJob, TrainingJobLog]),
    BullModule.forRootAsync({
      inject: [RedisConnections, AppConfig],
      useFactory: (redis: RedisConnections, config: AppConfig) => ({ connection: redis.createBullMqConnection(), prefix: bullPrefix(config.redis.keyPrefix) }),
    }),
    trainingQueue,
    DatasetsModule,
    ExperimentsModule,
    RegistryModule,
  ],
  controllers: [TrainingJobsController, AdaptersController],
  providers: [TrainingJobsService, TrainingJobRecorder, TrainingWorker, JobCancellation, ModelArtifacts, AdapterRuntimeService, TrainingGauges],
  exports: [TrainingJobsService, AdapterRuntimeService, trainingQueue],
})
export class TrainingModule {}
