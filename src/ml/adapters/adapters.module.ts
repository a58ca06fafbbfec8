import { Module } from '@nestjs/common';
import { AdapterRuntimeService } from './adapter-runtime.service';
import { AdaptersController } from './adapters.controller';

/** The adapters' runtimes, checked once per process for training and serving alike. */
@Module({ controllers: [AdaptersController], providers: [AdapterRuntimeService], exports: [AdapterRuntimeService] })
export class AdaptersModule {}
