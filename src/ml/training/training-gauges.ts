import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { GaugeSources } from '../../platform/metrics/gauge-sources';
import { TRAINING_QUEUE } from './training-queue';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** /metrics shows the training queue's depth and its active jobs (all instances share the queue), read at scrape time. */
@Injectable()
export class TrainingGauges {
  constructor(@InjectQueue(TRAINING_QUEUE) queue: Queue, gauges: GaugeSources) {
    gauges.add({
      name: 'mcp_hub_training_jobs',
      help: 'Training jobs on the queue, by state (waiting, active, delayed, failed)',
      labelNames: ['state'],
      read: async () => {
        const counts = await queue.getJobCounts(...STATES);
        return STATES.map((state) => ({ labels: { state }, value: counts[state] ?? 0 }));
      },
    });
  }
}
