import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { GaugeSources } from '../../platform/metrics/gauge-sources';
import { BATCH_QUEUE } from './batch-queue';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** /metrics shows the batch queue's depth and its active jobs (all instances share the queue), read at scrape time. */
@Injectable()
export class BatchGauges {
  constructor(@InjectQueue(BATCH_QUEUE) queue: Queue, gauges: GaugeSources) {
    gauges.add({
      name: 'mcp_hub_batch_predictions',
      help: 'Batch prediction jobs on the queue, by state (waiting, active, delayed, failed)',
      labelNames: ['state'],
      read: async () => {
        const counts = await queue.getJobCounts(...STATES);
        return STATES.map((state) => ({ labels: { state }, value: counts[state] ?? 0 }));
      },
    });
  }
}
