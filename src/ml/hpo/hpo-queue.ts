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
/** Failed advances are kept for a look, but not without bound (Optuna down fails one every 5 s per study). */
const KEEP = { removeOnComplete: true, removeOnFail: { count: 200 } };
/** How long an advance that found the study busy waits before it tries again. */
export const BUSY_RETRY_MS = 250;

/**
 * When a study advances: at once after something happened to it (created, a trial finished), and on a
 * BullMQ job scheduler as a safety net, so the schedule runs once across every hub process.
 */
@Injectable()
export class StudyTriggers {
  constructor(@InjectQueue(HPO_QUEUE) private readonly queue: Queue<AdvanceJobData>) {}

  /** `delayMs`: after a moment (the study is being advanced right now by another holder). */
  async advanceSoon(studyId: string, delayMs = 0): Promise<void> {
    await this.queue.add('advance', { studyId }, { delay: delayMs, ...KEEP });
  }

  async schedule(studyId: string): Promise<void> {
    await this.queue.upsertJobScheduler(`advance:${studyId}`, { every: SAFETY_NET_MS }, { name: 'advance', data: { studyId, sweep: true }, opts: KEEP });
  }

  async unschedule(studyId: string): Promise<void> {
    await this.queue.removeJobScheduler(`advance:${studyId}`);
  }
}
