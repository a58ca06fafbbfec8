import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RedisConnections } from '../../platform/redis/redis-connections';
import { AdaptersModule } from '../adapters/adapters.module';
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
import { TRAINING_QUEUE } from './training-queue';
import { TrainingWorker } from './training.worker';
import { TrainingGauges } from './training-gauges';

const trainingQueue = BullModule.registerQueue({ name: TRAINING_QUEUE });

@Module({
  imports: [
    TypeOrmModule.forFeature([TrainingJob, TrainingJobLog]),
    BullModule.forRootAsync({
      inject: [RedisConnections],
      useFactory: (redis: RedisConnections) => redis.bullMqOptions(),
    }),
    trainingQueue,
    DatasetsModule,
    ExperimentsModule,
    RegistryModule,
    AdaptersModule,
  ],
  controllers: [TrainingJobsController],
  providers: [TrainingJobsService, TrainingJobRecorder, TrainingWorker, JobCancellation, ModelArtifacts, TrainingGauges],
  exports: [TrainingJobsService, JobCancellation, AdaptersModule, trainingQueue],
})
export class TrainingModule {}
