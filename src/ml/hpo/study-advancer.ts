import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { v7 as uuidv7 } from 'uuid';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { HubEventMap } from '../../platform/events/hub-event';
import { RegistryService } from '../registry/registry.service';
import { JobCancellation } from '../training/job-cancellation';
import { FINAL_STATUSES, TrainingJob } from '../training/training-job.entity';
import { TRAINING_QUEUE, TrainingJobData } from '../training/training-queue';
import { TrainingJobsService } from '../training/training-jobs.service';
import { withAdvisoryLock } from './advisory-lock';
import { BUSY_RETRY_MS, StudyTriggers } from './hpo-queue';
import { AskedTrial, OptunaClient, OptunaStudy } from './optuna-client';
import { bestTrial, optunaStudy } from './study-definition';
import { BestTrial, HpoStudy } from './study.entity';
import { HpoTrial, TrialState } from './trial.entity';

const isActive = (trial: HpoTrial) => trial.state === 'asked' || trial.state === 'running';

/**
 * Moves a study on, one holder at a time (an advisory lock per study): tells Optuna how finished trials
 * ended, queues the jobs of asked trials, asks for new ones up to maxParallel, and closes the study when
 * no trial is left to run. Every step can be repeated: a trial is told once (its row moves from
 * `running` only once, and Optuna skips a finished trial), so a hub or worker killed at any point
 * leaves nothing counted twice, and the next advance picks up where it stopped.
 */
@Injectable()
export class StudyAdvancer {
  private readonly logger = new Logger('HpoStudy');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(HpoStudy) private readonly studies: Repository<HpoStudy>,
    @InjectRepository(HpoTrial) private readonly trials: Repository<HpoTrial>,
    private readonly jobs: TrainingJobsService,
    private readonly registry: RegistryService,
    private readonly optuna: OptunaClient,
    private readonly triggers: StudyTriggers,
    private readonly cancellation: JobCancellation,
    @InjectQueue(TRAINING_QUEUE) private readonly trainingQueue: Queue<TrainingJobData>,
    private readonly bus: EventBus,
  ) {}

  /**
   * `sweep` (the scheduled runs) also fails trials whose job is gone from the queue. A study being
   * advanced elsewhere is tried again shortly.
   */
  async advance(studyId: string, sweep = false): Promise<void> {
    const outcome = await withAdvisoryLock(this.dataSource, `hpo:${studyId}`, () => this.advanceHeld(studyId, sweep));
    if (outcome.held && !sweep) await this.triggers.advanceSoon(studyId, BUSY_RETRY_MS);
  }

  /** Stops a running study: no new trials, running ones cancelled; under the study's lock, so no advance asks meanwhile. */
  async stop(studyId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 40; attempt++) {
      const outcome = await withAdvisoryLock(this.dataSource, `hpo:${studyId}`, async () => {
        const { affected } = await this.studies.update({ id: studyId, status: 'running' }, { status: 'stopped', updatedAt: new Date() });
        if (!affected) return false;
        for (const trial of await this.trials.findBy({ studyId, state: 'running' })) await this.cancellation.request(trial.jobId!);
        return true;
      });
      if (!outcome.held) {
        await this.triggers.advanceSoon(studyId);
        return outcome.value;
      }
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
    throw new ConflictError('STUDY_BUSY', 'The study is being advanced and did not let go for 10 s; try again', { studyId });
  }

  private async advanceHeld(studyId: string, sweep: boolean): Promise<void> {
    const study = await this.studies.findOneBy({ id: studyId });
    if (!study || study.finishedAt) return void (await this.triggers.unschedule(studyId));
    const optuna = optunaStudy(study);
    const trials = await this.trials.find({ where: { studyId }, order: { number: 'ASC' } });
    for (const trial of trials) {
      if (trial.state === 'running') await this.settle(study, optuna, trial, sweep);
      else if (trial.state === 'asked') await this.launch(study, optuna, trial);
    }
    // before asking anew or finishing: a trial asked by a process that died before recording it comes first
    if (sweep || !trials.some(isActive) || this.mayAsk(study, trials)) await this.adoptOrphans(study, optuna, trials);
    while (this.mayAsk(study, trials)) await this.recordAndLaunch(study, optuna, trials, await this.optuna.ask(optuna));
    if (!trials.some(isActive)) await this.finish(study, optuna, trials);
  }

  private mayAsk(study: HpoStudy, trials: HpoTrial[]): boolean {
    return this.mayEverAsk(study, trials) && trials.filter(isActive).length < study.maxParallel;
  }

  /** False once the study can start no trial again: stopped, past its time limit, or at maxTrials. */
  private mayEverAsk(study: HpoStudy, trials: HpoTrial[]): boolean {
    const timedOut = study.timeoutSeconds !== null && Date.now() > study.createdAt.getTime() + study.timeoutSeconds * 1000;
    return study.status === 'running' && !timedOut && trials.length < study.maxTrials;
  }

  /**
   * Queues the trial's training job (the base job with the trial's parameters, its run in the study's
   * experiment) under the id recorded with the trial, unless a launch cut short already queued it.
   * A stopped study's asked trials are failed instead.
   */
  private async launch(study: HpoStudy, optuna: OptunaStudy, trial: HpoTrial): Promise<void> {
    if (study.status !== 'running') return this.record(study, optuna, trial, 'failed', null, `the study was ${study.status} before the trial started`);
    const base = study.baseJob;
    const jobId = trial.jobId ?? uuidv7();
    try {
      const queued = await this.jobs.get(jobId).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      });
      if (!queued) {
        await this.jobs.submit(
          { ...base, hyperparameters: { ...base.hyperparameters, ...trial.params }, experiment: study.experiment, ...(study.pruner ? { intermediateMetric: study.objective.metric } : {}) },
          { runTags: { study: study.name, trial: String(trial.number) }, jobId },
        );
      }
      await this.trials.update({ studyId: study.id, number: trial.number }, { jobId, state: 'running' });
      Object.assign(trial, { jobId, state: 'running' });
    } catch (error) {
      // the base job no longer runs (its dataset or experiment went away): no later trial would either
      if (!(error instanceof ValidationFailedError || error instanceof NotFoundError || error instanceof ConflictError)) throw error;
      const reason = `trial ${trial.number} could not start: ${(error as Error).message}${error instanceof ValidationFailedError ? ` (${error.problems.map((p) => `${p.field}: ${p.reason}`).join('; ')})` : ''}`;
      await this.record(study, optuna, trial, 'failed', null, reason);
      await this.studies.update({ id: study.id }, { status: 'failed', error: reason, updatedAt: new Date() });
      Object.assign(study, { status: 'failed', error: reason });
    }
  }

  /** A running trial whose job is over: its value (the objective metric) or how it ended goes to Optuna. */
  private async settle(study: HpoStudy, optuna: OptunaStudy, trial: HpoTrial, sweep: boolean): Promise<void> {
    let job: TrainingJob | undefined;
    try {
      job = await this.jobs.get(trial.jobId!);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (job && !FINAL_STATUSES.includes(job.status)) {
      // a job BullMQ no longer holds (it gave up on a stalled job, or Redis lost it) never ends by itself
      if (sweep && !(await this.trainingQueue.getJob(job.id))) return this.record(study, optuna, trial, 'failed', null, `its training job ${job.id} is ${job.status} but gone from the queue`);
      return;
    }
    const metric = study.objective.metric;
    const value = job?.metrics?.[metric];
    if (!job) return this.record(study, optuna, trial, 'failed', null, 'its training job is gone');
    if (job.status === 'succeeded') {
      return typeof value === 'number' && Number.isFinite(value) ? this.record(study, optuna, trial, 'complete', value, null) : this.record(study, optuna, trial, 'failed', null, `the job reported no ${metric}`);
    }
    if (job.status === 'pruned') return this.record(study, optuna, trial, 'pruned', null, null);
    return this.record(study, optuna, trial, 'failed', null, job.error ?? `the job was ${job.status}`);
  }

  private async record(study: HpoStudy, optuna: OptunaStudy, trial: HpoTrial, state: Exclude<TrialState, 'asked' | 'running'>, value: number | null, error: string | null): Promise<void> {
    await this.optuna.tell(optuna, trial.number, state, value ?? undefined);
    const finishedAt = new Date();
    const updated = await this.trials.update({ studyId: study.id, number: trial.number, state: trial.state }, { state, value, error, finishedAt });
    Object.assign(trial, { state, value, error, finishedAt });
    if (updated.affected) this.bus.publish<HubEventMap['ml.study.trial']>('ml.study.trial', { study: study.name, number: trial.number, state, value, params: trial.params, jobId: trial.jobId, ...(error ? { error } : {}) }, study.name);
  }

  /**
   * Trials Optuna holds as running that the hub never recorded: a process stopped between ask and
   * insert (it held the study's lock, so no live one is there now). One with every parameter sampled is
   * recorded and run when the study has room for a trial, before any new one is asked, and waits for
   * room otherwise; one the process stopped in the middle of sampling, or that the study can no longer
   * run, is told to Optuna as failed. So a crash costs the study no trial, and Optuna and the hub count
   * the same ones.
   */
  private async adoptOrphans(study: HpoStudy, optuna: OptunaStudy, trials: HpoTrial[]): Promise<void> {
    const known = new Set(trials.map((t) => t.number));
    const orphans = (await this.optuna.running(optuna)).filter((asked) => !known.has(asked.number));
    const names = Object.keys(study.searchSpace);
    for (const asked of orphans.sort((a, b) => a.number - b.number)) {
      const complete = names.every((name) => name in asked.params);
      if (!complete || !this.mayEverAsk(study, trials)) {
        this.logger.warn(`Study ${study.name}: trial ${asked.number} was asked but never recorded (its process stopped in between); told Optuna it failed: ${complete ? `the study is ${study.status === 'running' ? 'past its time limit or trial budget' : study.status}` : 'its parameters were not all sampled'}`);
        await this.optuna.tell(optuna, asked.number, 'failed');
        continue;
      }
      if (!this.mayAsk(study, trials)) continue;
      this.logger.warn(`Study ${study.name}: trial ${asked.number} was asked but never recorded (its process stopped in between); running it now`);
      await this.recordAndLaunch(study, optuna, trials, asked);
    }
  }

  /** Records an asked trial (kept in number order in `trials`) and queues its job. */
  private async recordAndLaunch(study: HpoStudy, optuna: OptunaStudy, trials: HpoTrial[], asked: AskedTrial): Promise<void> {
    // the job's id is recorded with the trial before the job exists: a launch cut short is finished, not repeated
    const trial = this.trials.create({ studyId: study.id, number: asked.number, optunaTrialId: asked.trialId, params: asked.params, state: 'asked', jobId: uuidv7(), value: null, error: null, createdAt: new Date(), finishedAt: null });
    await this.trials.save(trial);
    trials.push(trial);
    trials.sort((a, b) => a.number - b.number);
    await this.launch(study, optuna, trial);
  }

  private async finish(study: HpoStudy, optuna: OptunaStudy, trials: HpoTrial[]): Promise<void> {
    const top = bestTrial(trials, study.objective.direction);
    let best: BestTrial | null = null;
    if (top) {
      const job = await this.jobs.get(top.jobId!);
      best = { number: top.number, value: top.value!, params: top.params, jobId: top.jobId!, runId: job.runId };
      if (study.registerBestAs) {
        try {
          const version = await this.registry.registerFromJob(study.registerBestAs, top.jobId!, `study:${study.name}`, `best trial (${top.number}) of study ${study.name}: ${study.objective.metric} ${top.value}`);
          best.registered = { model: study.registerBestAs, version: version.version };
        } catch (error) {
          this.logger.error(`Study ${study.name}: could not register the best model as ${study.registerBestAs}: ${(error as Error).message}`);
          best.registered = null;
        }
      }
    }
    const importances = trials.filter((t) => t.state === 'complete').length >= 2 ? await this.optuna.importances(optuna).catch((error: Error) => (this.logger.warn(`Study ${study.name}: no importances: ${error.message}`), null)) : null;
    const status = study.status !== 'running' ? study.status : top ? 'completed' : 'failed';
    const error = status === 'failed' && !study.error ? 'no trial completed' : study.error;
    const finishedAt = new Date();
    Object.assign(study, { status, best, importances, error, finishedAt, updatedAt: finishedAt });
    await this.studies.save(study);
    await this.triggers.unschedule(study.id);
    const count = (state: TrialState) => trials.filter((t) => t.state === state).length;
    this.bus.publish<HubEventMap['ml.study.finished']>(
      'ml.study.finished',
      { study: study.name, status, trials: trials.length, complete: count('complete'), pruned: count('pruned'), failed: count('failed'), best: best ? { number: best.number, value: best.value } : null },
      study.name,
    );
  }
}
