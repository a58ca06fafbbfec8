import { isUUID } from 'class-validator';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { Experiment } from './experiment.entity';
import { latestMetricSql, parseRunFilter, parseRunOrder, runConditionsSql } from './run-filter';
import { RunMetric } from './run-metric.entity';
import { Run, RunStatus } from './run.entity';
import { byIdOrName, isResourceName } from '../resource-name';
import { isUniqueViolation } from '../unique-violation';
import { deletedAtFor, deletedAtSql, Lifecycle } from '../lifecycle';

export const DEFAULT_EXPERIMENT = 'Default';

export interface MetricPoint {
  key: string;
  value: number;
  step?: number;
  time?: Date;
}

export type RunView = Run & { metrics: Record<string, number> };

export interface RunSearchOptions {
  filter?: string;
  orderBy?: string;
  limit?: number;
  lifecycle?: Lifecycle;
}

/** Experiments and their runs: write-once params, tags, metric series, search and comparison. */
@Injectable()
export class ExperimentsService {
  constructor(
    @InjectRepository(Experiment) private readonly experiments: Repository<Experiment>,
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(RunMetric) private readonly metrics: Repository<RunMetric>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The unique index decides between concurrent creates of one name: one wins, the others get a 409. */
  async create(name: string, description?: string): Promise<Experiment> {
    const experiment = this.experiments.create({ id: uuidv7(), name, description: description ?? null, createdAt: new Date() });
    try {
      await this.experiments.insert(experiment);
    } catch (error) {
      if (isUniqueViolation(error)) {
        const deleted = (await this.experiments.findOneBy({ name }))?.deletedAt != null;
        throw new ConflictError('EXPERIMENT_EXISTS', `An experiment named "${name}" already exists${deleted ? ' (deleted: restore it with POST /api/ml/experiments/{name}/restore, or choose another name)' : ''}`, { name, deleted });
      }
      throw error;
    }
    return experiment;
  }

  /** The experiment of that name, created when missing (training jobs name theirs). */
  async ensure(name: string): Promise<Experiment> {
    await this.experiments.createQueryBuilder().insert().values({ id: uuidv7(), name, description: null, createdAt: new Date() }).orIgnore().execute();
    return assertActiveExperiment(await this.experiments.findOneByOrFail({ name }));
  }

  list(lifecycle: Lifecycle = 'active'): Promise<Experiment[]> {
    return this.experiments.find({ where: { deletedAt: deletedAtFor(lifecycle) }, order: { createdAt: 'DESC' } });
  }

  /** Soft delete (MLflow's lifecycle): hidden from lists, no new runs, restorable; its runs stay as they are. */
  async delete(idOrName: string): Promise<void> {
    const experiment = await this.get(idOrName);
    if (experiment.name === DEFAULT_EXPERIMENT) throw new ConflictError('DEFAULT_EXPERIMENT', `The "${DEFAULT_EXPERIMENT}" experiment receives the runs of jobs that name none; it cannot be deleted`, { name: experiment.name });
    await this.experiments.update({ id: experiment.id }, { deletedAt: () => 'coalesce(deleted_at, now())' });
  }

  async restore(idOrName: string): Promise<Experiment> {
    const experiment = await this.get(idOrName);
    await this.experiments.update({ id: experiment.id }, { deletedAt: null });
    return { ...experiment, deletedAt: null };
  }

  async get(idOrName: string): Promise<Experiment> {
    const found = isResourceName(idOrName) ? await this.experiments.findOne({ where: byIdOrName(idOrName) }) : null;
    if (!found) throw new NotFoundError('experiment', idOrName);
    return found;
  }

  async createRun(experiment: string, options: { name?: string; params?: Record<string, unknown>; tags?: Record<string, string>; parentRunId?: string; datasetSha256?: string; trainingJobId?: string } = {}): Promise<Run> {
    const target = assertActiveExperiment(await this.get(experiment));
    if (options.parentRunId) await this.getRun(options.parentRunId);
    // insert and update, not save: save's change detection calls methods on the jsonb values, and a
    // caller's param may be named "hasOwnProperty" or "valueOf"
    const run = this.runs.create({
      id: uuidv7(),
      experimentId: target.id,
      name: options.name ?? null,
      status: 'running',
      params: stringify(options.params ?? {}),
      tags: options.tags ?? {},
      artifacts: [],
      datasetSha256: options.datasetSha256 ?? null,
      parentRunId: options.parentRunId ?? null,
      trainingJobId: options.trainingJobId ?? null,
      createdAt: new Date(),
      endedAt: null,
      deletedAt: null,
    });
    await this.runs.insert(run);
    return run;
  }

  /** Removes a run for good: only for a job whose submission failed before it was queued. */
  async discardRun(id: string): Promise<void> {
    await this.runs.delete({ id });
  }

  /** Soft delete: hidden from searches unless asked for, closed to changes, restorable. */
  async deleteRun(id: string): Promise<void> {
    await this.requireRun(id);
    await this.runs.update({ id }, { deletedAt: () => 'coalesce(deleted_at, now())' });
  }

  async restoreRun(id: string): Promise<RunView> {
    await this.requireRun(id);
    await this.runs.update({ id }, { deletedAt: null });
    return this.getRun(id);
  }

  async getRun(id: string): Promise<RunView> {
    const run = await this.requireRun(id);
    return { ...run, metrics: (await this.latestMetrics([run.id])).get(run.id) ?? {} };
  }

  runOfJob(jobId: string): Promise<Run | null> {
    return this.runs.findOneBy({ trainingJobId: jobId });
  }

  /** Params are write-once: the same value again is fine, a different one is a 409. */
  async logParams(runId: string, params: Record<string, unknown>): Promise<Run> {
    const values = stringify(params);
    return this.dataSource.transaction(async (manager) => {
      const run = await manager.findOne(Run, { where: { id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run) throw new NotFoundError('run', runId);
      assertActiveRun(run);
      const clashes = Object.entries(values).filter(([k, v]) => Object.hasOwn(run.params, k) && run.params[k] !== v);
      if (clashes.length) {
        throw new ConflictError('PARAM_ALREADY_SET', `Params are write-once; already set: ${clashes.map(([k]) => `${k}=${run.params[k]}`).join(', ')}`, { params: Object.fromEntries(clashes.map(([k]) => [k, run.params[k]])) });
      }
      run.params = { ...run.params, ...values };
      await manager.update(Run, { id: run.id }, { params: run.params });
      return run;
    });
  }

  async setTags(runId: string, tags: Record<string, string>): Promise<Run> {
    const run = assertActiveRun(await this.getRun(runId));
    await this.runs.update({ id: run.id }, { tags: { ...run.tags, ...tags } });
    return { ...run, tags: { ...run.tags, ...tags } };
  }

  /**
   * Appends points; a point without a step gets the next step of its key. A deleted run takes
   * none, except from its own training job (`fromJob`), which keeps recording what it does.
   */
  async logMetrics(runId: string, points: MetricPoint[], fromJob = false): Promise<void> {
    if (!points.length) return;
    const run = await this.requireRun(runId);
    if (!fromJob) assertActiveRun(run);
    const keys = [...new Set(points.filter((p) => p.step === undefined).map((p) => p.key))];
    const nextStep = new Map<string, number>();
    if (keys.length) {
      const rows = await this.metrics.createQueryBuilder('m').select('m.key', 'key').addSelect('max(m.step)', 'step').where('m.run_id = :runId AND m.key IN (:...keys)', { runId, keys }).groupBy('m.key').getRawMany<{ key: string; step: number }>();
      for (const row of rows) nextStep.set(row.key, Number(row.step) + 1);
    }
    const rows = points.map((p) => {
      const step = p.step ?? nextStep.get(p.key) ?? 0;
      if (p.step === undefined) nextStep.set(p.key, step + 1);
      return { runId, key: p.key, value: p.value, step, time: p.time ?? new Date() };
    });
    await this.metrics.insert(rows);
  }

  async metricHistory(runId: string, key: string): Promise<{ step: number; value: number; time: Date }[]> {
    await this.requireRun(runId);
    const rows = await this.metrics.find({ where: { runId, key }, order: { step: 'ASC', seq: 'ASC' } });
    return rows.map((r) => ({ step: r.step, value: r.value, time: r.time }));
  }

  /**
   * Stores a file for an active run while holding the run's row lock, and adds what store() returns to
   * the run's artifact list in the same transaction: two uploads of one path cannot both pass the
   * write-once check.
   */
  async addArtifactLocked<T extends { artifact: Run['artifacts'][number] }>(runId: string, store: (run: Run) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const run = await manager.findOne(Run, { where: { id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run) throw new NotFoundError('run', runId);
      const stored = await store(assertActiveRun(run));
      await manager.query(`UPDATE mcp_hub.runs SET artifacts = artifacts || $2::jsonb WHERE id = $1`, [runId, JSON.stringify([stored.artifact])]);
      return stored;
    });
  }

  /** The run, refusing a deleted one (409): for changes made through the API. */
  async activeRun(id: string): Promise<RunView> {
    return assertActiveRun(await this.getRun(id));
  }

  async finishRun(runId: string, status: Exclude<RunStatus, 'running'>, artifacts: Run['artifacts'] = [], fromJob = false): Promise<void> {
    const run = await this.requireRun(runId);
    if (!fromJob) assertActiveRun(run);
    // appended in SQL: an upload that committed after the read above keeps its record
    await this.dataSource.query(`UPDATE mcp_hub.runs SET status = $2, ended_at = $3, artifacts = artifacts || $4::jsonb WHERE id = $1`, [runId, status, new Date(), JSON.stringify(artifacts)]);
  }

  /** Runs of one or more experiments (ids or names; an unknown one is a 404), like MLflow's search_runs. */
  async searchRuns(experiments: string | string[], options: RunSearchOptions): Promise<RunView[]> {
    const targets = await Promise.all([...new Set([experiments].flat())].map((e) => this.get(e)));
    const conditions = parseRunFilter(options.filter);
    const order = parseRunOrder(options.orderBy);
    const where = runConditionsSql(conditions, 1);
    const params: unknown[] = [targets.map((t) => t.id), ...where.params];
    let orderSql = `r.created_at ${order.direction}`;
    if (order.kind !== 'created') {
      params.push(order.key);
      const key = `$${params.length}`;
      orderSql = `${order.kind === 'metrics' ? `(${latestMetricSql(key)})` : `(r.params ->> ${key})`} ${order.direction} NULLS LAST, r.created_at DESC`;
    }
    params.push(Math.min(options.limit ?? 100, 1000));
    const ids = (await this.dataSource.query(
      `SELECT r.id FROM mcp_hub.runs r WHERE r.experiment_id = ANY($1::uuid[]) AND ${deletedAtSql('r', options.lifecycle)} ${where.sql.map((s) => `AND ${s}`).join(' ')} ORDER BY ${orderSql} LIMIT $${params.length}`,
      params,
    )) as { id: string }[];
    return this.views(ids.map((r) => r.id));
  }

  /** Params and latest metrics of the chosen runs side by side: key → run id → value. */
  async compare(runIds: string[]): Promise<{ runs: RunView[]; params: Record<string, Record<string, string | null>>; metrics: Record<string, Record<string, number | null>> }> {
    if (runIds.length < 2) throw new ValidationFailedError([{ field: 'ids', reason: 'name at least two runs to compare' }]);
    for (const id of runIds) if (!isUUID(id)) throw new NotFoundError('run', id);
    const runs = await this.views(runIds);
    const missing = runIds.find((id) => !runs.some((run) => run.id === id));
    if (missing) throw new NotFoundError('run', missing);
    const table = <T>(pick: (run: RunView) => Record<string, T>) => {
      const keys = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
      return Object.fromEntries(keys.map((k) => [k, Object.fromEntries(runs.map((r) => [r.id, pick(r)[k] ?? null]))]));
    };
    return { runs, params: table((r) => r.params), metrics: table((r) => r.metrics) };
  }

  private async requireRun(id: string): Promise<Run> {
    const run = isUUID(id) ? await this.runs.findOneBy({ id }) : null;
    if (!run) throw new NotFoundError('run', id);
    return run;
  }

  /** The runs that exist among `ids`, in that order, with their latest metrics. */
  private async views(ids: string[]): Promise<RunView[]> {
    if (!ids.length) return [];
    const runs = new Map((await this.runs.findBy({ id: In(ids) })).map((r) => [r.id, r]));
    const latest = await this.latestMetrics(ids);
    return ids.flatMap((id) => {
      const run = runs.get(id);
      return run ? [{ ...run, metrics: latest.get(id) ?? {} }] : [];
    });
  }

  private async latestMetrics(runIds: string[]): Promise<Map<string, Record<string, number>>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (run_id, key) run_id, key, value FROM mcp_hub.run_metrics WHERE run_id = ANY($1) ORDER BY run_id, key, step DESC, seq DESC`,
      [runIds],
    )) as { run_id: string; key: string; value: number }[];
    const byRun = new Map<string, Record<string, number>>();
    for (const row of rows) byRun.set(row.run_id, { ...(byRun.get(row.run_id) ?? {}), [row.key]: Number(row.value) });
    return byRun;
  }
}

function assertActiveExperiment(experiment: Experiment): Experiment {
  if (experiment.deletedAt) throw new ConflictError('EXPERIMENT_DELETED', `Experiment "${experiment.name}" is deleted; restore it first (POST /api/ml/experiments/${experiment.name}/restore)`, { name: experiment.name });
  return experiment;
}

function assertActiveRun<T extends Run>(run: T): T {
  if (run.deletedAt) throw new ConflictError('RUN_DELETED', `Run ${run.id} is deleted; restore it first (POST /api/ml/runs/${run.id}/restore)`, { id: run.id });
  return run;
}

/** Params are stored as strings (JSON for structured values), so they compare and display alike. */
function stringify(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
