import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Experiment } from './experiment.entity';
import { ExperimentsController } from './experiments.controller';
import { ExperimentsService } from './experiments.service';
import { RunMetric } from './run-metric.entity';
import { Run } from './run.entity';
import { RunArtifactsService } from './run-artifacts.service';

@Module({
  imports: [TypeOrmModule.forFeature([Experiment, Run, RunMetric])],
  controllers: [ExperimentsController],
  providers: [ExperimentsService, RunArtifactsService],
  exports: [ExperimentsService, RunArtifactsService],
})
export class ExperimentsModule {}
