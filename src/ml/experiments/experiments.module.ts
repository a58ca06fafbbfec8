import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../platform/config/app-config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Experiment } from './experiment.entity';
import { ExperimentsController } from './experiments.controller';
import { ExperimentsService } from './experiments.service';
import { RunMetric } from './run-metric.entity';
import { Run } from './run.entity';
import { RunArtifactsService } from './run-artifacts.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Experiment, Run, RunMetric]),
    // files uploaded to runs wait here until the ArtifactStore has them; the dataset upload limit bounds them too
    MulterModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ dest: join(tmpdir(), 'mcp-hub-run-uploads'), limits: { fileSize: config.datasets.maxUploadBytes, files: 1 } }),
    }),
  ],
  controllers: [ExperimentsController],
  providers: [ExperimentsService, RunArtifactsService],
  exports: [ExperimentsService, RunArtifactsService],
})
export class ExperimentsModule {}
