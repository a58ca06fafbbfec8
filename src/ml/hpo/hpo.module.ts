import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryModule } from '../registry/registry.module';
import { TrainingModule } from '../training/training.module';
import { HPO_QUEUE, StudyTriggers } from './hpo-queue';
import { HpoWorker } from './hpo.worker';
import { OptunaClient } from './optuna-client';
import { StudiesController } from './studies.controller';
import { StudiesService } from './studies.service';
import { StudyAdvancer } from './study-advancer';
import { HpoStudy } from './study.entity';
import { TrialListener } from './trial-listener';
import { HpoTrial } from './trial.entity';

/** Hyper-parameter search: studies driven by Optuna, trials run as training jobs. */
@Module({
  imports: [TypeOrmModule.forFeature([HpoStudy, HpoTrial]), BullModule.registerQueue({ name: HPO_QUEUE }), TrainingModule, RegistryModule],
  controllers: [StudiesController],
  providers: [OptunaClient, StudyTriggers, StudiesService, StudyAdvancer, TrialListener, HpoWorker],
  exports: [StudiesService],
})
export class HpoModule {}
