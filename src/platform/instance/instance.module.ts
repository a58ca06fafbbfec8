import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HubInstance } from './hub-instance.entity';
import { HubInstanceService } from './hub-instance.service';
import { InstanceRole } from './instance-role';

@Global()
@Module({})
export class InstanceModule {
  static forRole(role: InstanceRole['role']): DynamicModule {
    return {
      module: InstanceModule,
      imports: [TypeOrmModule.forFeature([HubInstance])],
      providers: [{ provide: InstanceRole, useValue: { role } }, HubInstanceService],
      exports: [HubInstanceService, InstanceRole],
    };
  }
}
