import { Global, Module } from '@nestjs/common';
import { GaugeSources } from './gauge-sources';

@Global()
@Module({ providers: [GaugeSources], exports: [GaugeSources] })
export class MetricsModule {}
