import { Module } from '@nestjs/common';
import { HubToolRegistry } from './hub-tool-registry';

@Module({ providers: [HubToolRegistry], exports: [HubToolRegistry] })
export class HubToolsModule {}
