export const MATERIALIZATION_QUEUE = 'feature-materialization';

/** What BullMQ carries: the view (its version is pinned at submit) and an optional window of source time. */
export interface MaterializationJobData {
  view: string;
  /** Absent for scheduled runs: each takes the latest version. */
  version?: number;
  start?: string;
  end?: string;
}
