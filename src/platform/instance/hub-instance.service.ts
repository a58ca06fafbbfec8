import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { HubInstance } from './hub-instance.entity';
import { InstanceRole } from './instance-role';
import { HUB_VERSION } from '../version';

/** Records this process in hub_instances at boot and marks it stopped in the `flush` phase. */
@Injectable()
export class HubInstanceService implements OnApplicationBootstrap {
  private readonly logger = new Logger('HubInstance');
  readonly id = uuidv7();
  readonly startedAt = new Date();

  constructor(
    @InjectRepository(HubInstance) private readonly instances: Repository<HubInstance>,
    private readonly role: InstanceRole,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({ phase: 'flush', name: 'instance-record', close: () => this.markStopped() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.instances.insert({
      id: this.id,
      role: this.role.role,
      hostname: hostname(),
      pid: process.pid,
      version: HUB_VERSION,
      startedAt: this.startedAt,
      stoppedAt: null,
      stopReason: null,
    });
    this.logger.log(`Registered ${this.role.role} instance ${this.id}`);
  }

  private async markStopped(): Promise<void> {
    await this.instances.update({ id: this.id }, { stoppedAt: new Date(), stopReason: 'shutdown' });
  }
}
