import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Experiment } from './experiment.entity';
import { ExperimentsController } from './experiments.controller';
import { ExperimentsService } from './experiments.service';
import { RunMetric } from './run-metric.entity';
import { Run } from './run.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Experiment, Run, RunMetric])],
  controllers: [ExperimentsController],
  providers: [ExperimentsService],
  exports: [ExperimentsService],
})
export class ExperimentsModule {}
