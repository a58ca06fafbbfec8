import { Module } from '@nestjs/common';
import { HubToolsModule } from '../../mcp/hub-tools/hub-tools.module';
import { DatasetsModule } from '../datasets/datasets.module';
import { TrainingModule } from '../training/training.module';
import { MlTools } from './ml-tools';

@Module({ imports: [HubToolsModule, DatasetsModule, TrainingModule], providers: [MlTools] })
export class MlToolsModule {}
