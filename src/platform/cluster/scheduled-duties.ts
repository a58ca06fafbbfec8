import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { HubInstanceService } from '../instance/hub-instance.service';
import { RedisConnections } from '../redis/redis-connections';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';

export const DUTIES_QUEUE = 'duties';

/** Work that must happen once per period across every hub and worker process (partition upkeep, rollups). */
export interface Duty {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/** Runs of a duty older than this are forgotten. */
const KEEP_RUNS_DAYS = 7;

/**
 * Duties on one BullMQ queue: every process upserts the same job schedulers (an upsert with the same
 * interval keeps the schedule) and runs a worker, so each period's job is taken by one process. A run
 * claims its period in `duty_runs` first: a job BullMQ hands out again (its process stalled or died)
 * finds the period taken and does nothing, so no period runs twice. A period nobody could take (every
 * process busy or down) is skipped, not caught up.
 */
@Injectable()
export class ScheduledDuties implements OnApplicationBootstrap {
  private readonly logger = new Logger('ScheduledDuties');
  private readonly duties = new Map<string, Duty>();
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisConnections,
    private readonly instance: HubInstanceService,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({ phase: 'workers', name: 'scheduled-duties', close: async () => this.worker?.close() });
    coordinator.register({ phase: 'connections', name: 'scheduled-duties-queue', close: async () => this.queue?.close() });
  }

  /** Called by features while the app is built (constructor or onModuleInit). */
  register(duty: Duty): void {
    this.duties.set(duty.name, duty);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.duties.size === 0) return;
    this.queue = new Queue(DUTIES_QUEUE, this.redis.bullMqOptions());
    for (const duty of this.duties.values()) {
      // on the grid of its interval (a new schedule starts at the next multiple), as BullMQ's catch-up after a late run is
      const startDate = Math.ceil(Date.now() / duty.everyMs) * duty.everyMs;
      await this.queue.upsertJobScheduler(duty.name, { every: duty.everyMs, startDate }, { name: duty.name, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } });
    }
    // two at once: a long partition upkeep does not hold up the rollups
    this.worker = new Worker(DUTIES_QUEUE, (job) => this.perform(job), { ...this.redis.bullMqOptions(), concurrency: 2 });
    this.worker.on('error', (error) => this.logger.error(`Duties worker: ${error.message}`));
    this.worker.on('failed', (job, error) => this.logger.warn(`Duty ${job?.name} failed: ${error.message}`));
  }

  private async perform(job: Job): Promise<string> {
    const duty = this.duties.get(job.name);
    if (!duty) throw new Error(`This process has no duty named ${job.name} (an older version?)`);
    const scheduled = job.opts.prevMillis ?? job.timestamp;
    const period = new Date(Math.floor(scheduled / duty.everyMs) * duty.everyMs);
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO mcp_hub.duty_runs (duty, period, instance_id, started_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING RETURNING 1`,
      [duty.name, period, this.instance.id],
    );
    if (claimed.length === 0) return 'already run';
    let error: string | null = null;
    try {
      this.logger.debug(`Duty ${duty.name} runs for period ${period.toISOString()}`);
      await duty.run();
    } catch (failure) {
      error = (failure as Error).message;
      throw failure;
    } finally {
      await this.dataSource.query(`UPDATE mcp_hub.duty_runs SET finished_at = now(), error = $3 WHERE duty = $1 AND period = $2`, [duty.name, period, error]);
      await this.dataSource.query(`DELETE FROM mcp_hub.duty_runs WHERE duty = $1 AND period < $2::timestamptz - make_interval(days => ${KEEP_RUNS_DAYS})`, [duty.name, period]);
    }
    return 'ran';
  }
}
