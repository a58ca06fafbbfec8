import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';

export const HPO_QUEUE = 'hpo';

export interface AdvanceJobData {
  studyId: string;
  /** Set on the scheduled runs: they also look for what a crashed process left behind. */
  sweep?: boolean;
}

/** How often a running study is advanced even when no trial event reached any hub (a worker died). */
const SAFETY_NET_MS = 5_000;

/**
 * When a study advances: at once after something happened to it (created, a trial finished), and on a
 * BullMQ job scheduler as a safety net, so the schedule runs once across every hub process.
 */
@Injectable()
export class StudyTriggers {
  constructor(@InjectQueue(HPO_QUEUE) private readonly queue: Queue<AdvanceJobData>) {}

  async advanceSoon(studyId: string): Promise<void> {
    await this.queue.add('advance', { studyId }, { removeOnComplete: true, removeOnFail: { age: 24 * 3600 } });
  }

  async schedule(studyId: string): Promise<void> {
    await this.queue.upsertJobScheduler(`advance:${studyId}`, { every: SAFETY_NET_MS }, { name: 'advance', data: { studyId, sweep: true }, opts: { removeOnComplete: true, removeOnFail: { age: 24 * 3600 } } });
  }

  async unschedule(studyId: string): Promise<void> {
    await this.queue.removeJobScheduler(`advance:${studyId}`);
  }
}
