import { Global, Module } from '@nestjs/common';
import { ClusterChannel } from './cluster-channel';
import { ClusterMembers } from './cluster-members';
import { ClusterEventRelay } from './event-relay';
import { ScheduledDuties } from './scheduled-duties';

/** What lets several hub replicas (and workers) behave as one service: membership, messages, relayed events, once-only duties. */
@Global()
@Module({
  providers: [ClusterChannel, ClusterMembers, ClusterEventRelay, ScheduledDuties],
  exports: [ClusterChannel, ClusterMembers, ScheduledDuties],
})
export class ClusterModule {}
