import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { EventBus } from '../../platform/events/event-bus';
import { HubEvent } from '../../platform/events/hub-event';
import { JobCancellation } from '../training/job-cancellation';
import { StudyTriggers } from './hpo-queue';
import { OptunaClient, OptunaStudy } from './optuna-client';
import { optunaStudy } from './study-definition';
import { HpoStudy } from './study.entity';
import { HpoTrial } from './trial.entity';

interface RunningTrial {
  study: OptunaStudy;
  studyId: string;
  metric: string;
  optunaTrialId: number;
  pruned: boolean;
}

const FINAL_JOB_EVENTS = new Set(['ml.job.succeeded', 'ml.job.failed', 'ml.job.cancelled', 'ml.job.pruned']);

/**
 * Follows the training jobs of trials on this process's event bus (where their worker runs): each
 * intermediate value of the objective goes to Optuna's pruner, and a `pruned` verdict stops the job
 * (its worker awaits the verdicts still on their way before it calls the job a success); a job that
 * ends moves its study on at once.
 */
@Injectable()
export class TrialListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HpoTrials');
  /** Jobs of this process seen reporting, and their trial (null: not a trial); bounded by the running jobs, dropped when they end. */
  private readonly jobs = new Map<string, Promise<RunningTrial | null>>();
  private unsubscribe?: () => void;

  constructor(
    private readonly bus: EventBus,
    @InjectRepository(HpoTrial) private readonly trials: Repository<HpoTrial>,
    @InjectRepository(HpoStudy) private readonly studies: Repository<HpoStudy>,
    private readonly optuna: OptunaClient,
    private readonly cancellation: JobCancellation,
    private readonly triggers: StudyTriggers,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => this.onJobEvent(event), ['ml.job.']);
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private onJobEvent(event: HubEvent): void {
    const jobId = event.data.jobId as string | undefined;
    if (!jobId) return;
    const handled = (FINAL_JOB_EVENTS.has(event.type) ? this.onJobEnd(jobId) : this.onMetric(jobId, event)).catch((error: Error) => this.logger.error(`Trial event ${event.type}: ${error.message}`));
    if (event.type === 'ml.job.metric') this.cancellation.judging(jobId, handled);
  }

  private async onJobEnd(jobId: string): Promise<void> {
    this.jobs.delete(jobId);
    const trial = await this.trials.findOneBy({ jobId });
    if (trial) await this.triggers.advanceSoon(trial.studyId);
  }

  private async onMetric(jobId: string, event: HubEvent): Promise<void> {
    if (event.type !== 'ml.job.metric' || typeof event.data.step !== 'number') return;
    const trial = await this.trialOf(jobId);
    if (!trial || trial.pruned || event.data.name !== trial.metric) return;
    const prune = await this.optuna.report(trial.study, trial.optunaTrialId, event.data.step, Number(event.data.value));
    // the steps' reports overlap: the first verdict to prune stops the job, the later ones have nothing to add
    if (!prune || trial.pruned) return;
    trial.pruned = true;
    this.logger.log(`Study ${trial.studyId}: pruning the trial of job ${jobId} at step ${event.data.step} (${trial.metric} ${String(event.data.value)})`);
    await this.cancellation.request(jobId, 'pruned');
  }

  private trialOf(jobId: string): Promise<RunningTrial | null> {
    let found = this.jobs.get(jobId);
    if (!found) {
      found = (async () => {
        const trial = await this.trials.findOneBy({ jobId });
        const study = trial ? await this.studies.findOneBy({ id: trial.studyId }) : null;
        if (!trial || !study?.pruner) return null;
        return { study: optunaStudy(study), studyId: study.id, metric: study.objective.metric, optunaTrialId: trial.optunaTrialId, pruned: false };
      })();
      this.jobs.set(jobId, found);
      found.catch(() => this.jobs.delete(jobId));
    }
    return found;
  }
}
