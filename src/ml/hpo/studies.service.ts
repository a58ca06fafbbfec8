import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, DependencyUnavailableError, FieldProblem, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { HubEventMap } from '../../platform/events/hub-event';
import { JsonSchemaValidator } from '../../platform/json-schema/json-schema-validator';
import { isUniqueViolation } from '../unique-violation';
import { ADAPTER_CATALOG, TASK_METRICS } from '../adapters/adapter-catalog';
import { StudyAdvancer } from './study-advancer';
import { TrainingJobsService } from '../training/training-jobs.service';
import { StudyTriggers } from './hpo-queue';
import { OptunaClient } from './optuna-client';
import { checkSearchSpace } from './search-space';
import { CreateStudyDto } from './study.dto';
import { optunaStudy } from './study-definition';
import { HpoStudy } from './study.entity';
import { HpoTrial, TRIAL_STATES } from './trial.entity';

/** A study as the API shows it: its settings, where it got to, and (for one study) its trials. */
export type StudyView = Omit<HpoStudy, 'baseJob'> & {
  job: HpoStudy['baseJob'];
  counts: Record<(typeof TRIAL_STATES)[number] | 'total', number>;
  trials?: TrialView[];
};

export interface TrialView {
  number: number;
  state: string;
  params: Record<string, unknown>;
  value: number | null;
  jobId: string | null;
  durationMs: number | null;
  error: string | null;
}

/** Hyper-parameter studies: checked and created here, moved on by the StudyAdvancer. */
@Injectable()
export class StudiesService {
  private readonly schemas = new JsonSchemaValidator();

  constructor(
    @InjectRepository(HpoStudy) private readonly studies: Repository<HpoStudy>,
    @InjectRepository(HpoTrial) private readonly trials: Repository<HpoTrial>,
    private readonly jobs: TrainingJobsService,
    private readonly advancer: StudyAdvancer,
    private readonly optuna: OptunaClient,
    private readonly triggers: StudyTriggers,
    private readonly bus: EventBus,
  ) {}

  async create(dto: CreateStudyDto): Promise<StudyView> {
    if (dto.job.registerAs) throw new ValidationFailedError([{ field: 'job.registerAs', reason: 'trials do not register their models; give registerBestAs to register the best one' }]);
    const checked = await this.jobs.check(dto.job).catch((error: unknown) => {
      if (error instanceof ValidationFailedError) throw new ValidationFailedError(error.problems.map((p) => ({ field: `job.${p.field}`, reason: p.reason })));
      throw error;
    });
    const problems: FieldProblem[] = [];
    const schema = ADAPTER_CATALOG[dto.job.adapter].algorithms[dto.job.algorithm].hyperparameters;
    const known = Object.keys((schema as { properties?: object }).properties ?? {});
    const sampler = dto.sampler ?? 'tpe';
    const search = checkSearchSpace(dto.searchSpace, known, (name, value) => this.schemas.validate(schema, { [name]: value }), sampler);
    if ('problems' in search) problems.push(...search.problems);
    const metrics = TASK_METRICS[checked.task];
    if (!Object.hasOwn(metrics, dto.objective.metric)) problems.push({ field: 'objective.metric', reason: `"${dto.objective.metric}" is not a ${checked.task} metric; choose one of ${Object.keys(metrics).join(', ')}` });
    if (dto.pruner && !('problems' in search) && !prunable(dto.job.adapter, dto.job.algorithm, dto.job.validation?.folds)) {
      problems.push({ field: 'pruner', reason: `${dto.job.adapter}/${dto.job.algorithm} reports no intermediate values with a holdout; use validation.folds (one value per fold) or leave the pruner out` });
    }
    if (problems.length || 'problems' in search) throw new ValidationFailedError(problems);
    if (await this.studies.existsBy({ name: dto.name })) throw new ConflictError('STUDY_EXISTS', `A study named ${dto.name} exists; choose another name`, { name: dto.name });

    const now = new Date();
    const study = this.studies.create({
      id: uuidv7(),
      name: dto.name,
      baseJob: { ...dto.job },
      searchSpace: search.space,
      objective: { metric: dto.objective.metric, direction: dto.objective.direction ?? metrics[dto.objective.metric] },
      sampler,
      pruner: dto.pruner ? { ...dto.pruner } : null,
      seed: dto.seed ?? 42,
      maxTrials: search.gridSize !== undefined ? Math.min(dto.maxTrials, search.gridSize) : dto.maxTrials,
      maxParallel: dto.maxParallel ?? 1,
      timeoutSeconds: dto.timeoutSeconds ?? null,
      registerBestAs: dto.registerBestAs ?? null,
      experiment: dto.experiment ?? dto.job.experiment ?? `hpo-${dto.name}`,
      status: 'running',
      best: null,
      importances: null,
      error: null,
      createdAt: now,
      finishedAt: null,
      updatedAt: now,
    });
    await this.optuna.create(optunaStudy(study));
    try {
      await this.studies.save(study);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('STUDY_EXISTS', `A study named ${dto.name} exists; choose another name`, { name: dto.name });
      throw error;
    }
    try {
      await this.triggers.schedule(study.id);
      await this.triggers.advanceSoon(study.id);
    } catch (error) {
      // a study nothing would ever advance is worse than none: the caller may simply try again
      await this.studies.delete({ id: study.id });
      throw new DependencyUnavailableError('redis', `The study's queue did not accept it: ${(error as Error).message}`, 'check REDIS_URL and that Redis is running');
    }
    this.bus.publish<HubEventMap['ml.study.created']>('ml.study.created', { study: study.name, adapter: dto.job.adapter, algorithm: dto.job.algorithm, sampler, pruner: study.pruner?.kind ?? null, maxTrials: study.maxTrials, maxParallel: study.maxParallel, objective: study.objective }, study.name);
    return this.view(study, []);
  }

  async list(): Promise<StudyView[]> {
    const studies = await this.studies.find({ order: { createdAt: 'DESC' }, take: 500 });
    const counts: { study_id: string; state: string; n: number }[] = await this.trials.query(`SELECT study_id, state, count(*)::int AS n FROM mcp_hub.hpo_trials WHERE study_id = ANY($1) GROUP BY study_id, state`, [studies.map((s) => s.id)]);
    return studies.map((study) => {
      const view = this.view(study, []);
      for (const row of counts.filter((c) => c.study_id === study.id)) view.counts[row.state as keyof StudyView['counts']] = row.n;
      view.counts.total = counts.filter((c) => c.study_id === study.id).reduce((sum, c) => sum + c.n, 0);
      delete view.trials;
      return view;
    });
  }

  /** A study with its trials table. */
  async get(name: string): Promise<StudyView> {
    const study = await this.find(name);
    return this.view(study, await this.trials.find({ where: { studyId: study.id }, order: { number: 'ASC' } }));
  }

  /** No new trials; the running ones are stopped (their jobs cancelled) and the study closes with the best so far. */
  async stop(name: string): Promise<StudyView> {
    const study = await this.find(name);
    if (study.status !== 'running' || !(await this.advancer.stop(study.id))) {
      const now = await this.find(name);
      throw new ConflictError('STUDY_NOT_RUNNING', `Study ${name} is ${now.status}; only a running study can be stopped`, { status: now.status });
    }
    return this.get(name);
  }

  private async find(name: string): Promise<HpoStudy> {
    const study = await this.studies.findOneBy({ name });
    if (!study) throw new NotFoundError('study', name, 'STUDY_NOT_FOUND');
    return study;
  }

  private view(study: HpoStudy, trials: HpoTrial[]): StudyView {
    const { baseJob, ...rest } = study;
    const counts = Object.fromEntries([...TRIAL_STATES, 'total'].map((state) => [state, 0])) as StudyView['counts'];
    for (const trial of trials) counts[trial.state]++;
    counts.total = trials.length;
    return {
      ...rest,
      job: baseJob,
      counts,
      trials: trials.map((t) => ({ number: t.number, state: t.state, params: t.params, value: t.value, jobId: t.jobId, durationMs: t.finishedAt ? t.finishedAt.getTime() - t.createdAt.getTime() : null, error: t.error })),
    };
  }
}

/** Whether the job reports intermediate values a pruner can use: steps of an iterative fit, or folds. */
function prunable(adapter: string, algorithm: string, folds: number | undefined): boolean {
  if (folds) return true;
  return adapter === 'torch' || (adapter === 'sklearn' && (algorithm === 'random_forest' || algorithm === 'gradient_boosting'));
}
