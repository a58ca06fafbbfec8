import { sleep } from './cli-output';
import { HubClient } from './hub-client';
import { ProgressDisplay } from './progress-display';

/** The statuses a job ends in, and the filter choices of the job lists. */
export const FINAL_STATUSES = ['succeeded', 'failed', 'cancelled', 'pruned'];
export const JOB_STATUS_CHOICES = ['all', 'active', 'queued', 'running', ...FINAL_STATUSES];

const POLL_MS = 300;

/** Polls a job until it ends, showing its progress (none with --json); answers the final job. */
export async function followJob<T extends { progress: number; status: string }>(client: HubClient, path: string, json: boolean, stageOf: (job: T) => string | null): Promise<T> {
  const display = json ? undefined : new ProgressDisplay();
  try {
    for (;;) {
      const job = await client.get<T>(path);
      display?.update(job.progress, job.status, stageOf(job));
      if (FINAL_STATUSES.includes(job.status)) return job;
      await sleep(POLL_MS);
    }
  } finally {
    display?.stop();
  }
}
