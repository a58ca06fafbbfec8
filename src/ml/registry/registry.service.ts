import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { Dataset } from '../datasets/dataset.entity';
import { ExperimentsService } from '../experiments/experiments.service';
import { RunArtifactsService } from '../experiments/run-artifacts.service';
import { ModelArtifacts } from '../training/model-artifacts';
import { TrainingJob } from '../training/training-job.entity';
import { ModelAlias, ModelHistoryEntry, ModelSignature, ModelVersion, RegisteredModel, Stage } from './registry.entities';
import { aliasProblem, stageTransitionProblem } from './stage-rules';
import { ALIAS, ALIAS_RULE } from './registry.dto';
import { isResourceName, RESOURCE_NAME_RULE } from '../resource-name';
import { isUniqueViolation } from '../unique-violation';
import { deletedAtFor, Lifecycle } from '../lifecycle';

export type ModelView = RegisteredModel & { versions: ModelVersion[]; aliases: Record<string, number> };

export interface TransitionOptions {
  archiveExisting?: boolean;
  reason?: string;
}

/** A stage transition written by transitionWithin, to announce once its transaction has committed. */
export interface StageChange {
  model: string;
  version: ModelVersion;
  from: Stage;
  to: Stage;
  archived: number[];
  actor: string;
}

const conflict = (code: string, message: string, details?: unknown) => new ConflictError(code, message, details);

/**
 * Registered models and their versions. Every change to a model runs in one transaction holding the
 * model's row lock, so concurrent promotions are serialised and each writes its history entry.
 */
@Injectable()
export class RegistryService {
  constructor(
    @InjectRepository(RegisteredModel) private readonly models: Repository<RegisteredModel>,
    @InjectRepository(ModelVersion) private readonly versions: Repository<ModelVersion>,
    @InjectRepository(ModelAlias) private readonly aliases: Repository<ModelAlias>,
    @InjectRepository(ModelHistoryEntry) private readonly history: Repository<ModelHistoryEntry>,
    @InjectRepository(TrainingJob) private readonly jobs: Repository<TrainingJob>,
    @InjectRepository(Dataset) private readonly datasets: Repository<Dataset>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly experiments: ExperimentsService,
    private readonly bus: EventBus,
    private readonly modelArtifacts: ModelArtifacts,
    private readonly runArtifacts: RunArtifactsService,
  ) {}

  /** The unique index decides between concurrent creates of one name: one wins, the others get a 409. */
  async createModel(name: string, description: string | undefined, tags: Record<string, string> = {}): Promise<RegisteredModel> {
    assertModelName(name);
    const now = new Date();
    const model = this.models.create({ id: uuidv7(), name, description: description ?? null, tags, createdAt: now, updatedAt: now });
    try {
      await this.models.insert(model);
    } catch (error) {
      if (isUniqueViolation(error)) {
        const deleted = (await this.models.findOneBy({ name }))?.deletedAt != null;
        throw conflict('MODEL_EXISTS', `A model named "${name}" already exists${deleted ? ' (deleted: restore it with POST /api/ml/models/{name}/restore, or choose another name)' : ''}`, { name, deleted });
      }
      throw error;
    }
    return model;
  }

  list(lifecycle: Lifecycle = 'active'): Promise<RegisteredModel[]> {
    return this.models.find({ where: { deletedAt: deletedAtFor(lifecycle) }, order: { name: 'ASC' } });
  }

  /** Soft delete: hidden from lists, its versions and aliases frozen (no new versions, stages or aliases), restorable. */
  async deleteModel(name: string, actor: string): Promise<void> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const model = await this.lockModel(manager, name);
      if (model.deletedAt) return false;
      await manager.update(RegisteredModel, { id: model.id }, { deletedAt: new Date(), updatedAt: new Date() });
      await this.audit(manager, model.id, null, 'model_deleted', null, null, actor, null);
      return true;
    });
    if (changed) this.bus.publish('ml.model.deleted', { model: name, actor }, name);
  }

  async restoreModel(name: string, actor: string): Promise<ModelView> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const model = await this.lockModel(manager, name);
      if (!model.deletedAt) return false;
      await manager.update(RegisteredModel, { id: model.id }, { deletedAt: null, updatedAt: new Date() });
      await this.audit(manager, model.id, null, 'model_restored', null, null, actor, null);
      return true;
    });
    if (changed) this.bus.publish('ml.model.restored', { model: name, actor }, name);
    return this.get(name);
  }

  async get(name: string): Promise<ModelView> {
    const model = await this.modelNamed(name);
    const versions = await this.versions.find({ where: { modelId: model.id }, order: { version: 'DESC' } });
    const aliases = await this.aliases.findBy({ modelId: model.id });
    return { ...model, versions, aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])) };
  }

  /** A version by number, alias, stage name (the version in it) or `latest`. */
  async resolve(name: string, ref: string): Promise<ModelVersion> {
    return resolveIn(await this.get(name), ref);
  }

  /** The version's model file, read through the ArtifactStore (which verifies its checksum). */
  async artifact(name: string, ref: string): Promise<{ version: ModelVersion; body: Buffer; fileName: string }> {
    const version = await this.resolve(name, ref);
    const body = await this.modelArtifacts.file(version.artifactKey);
    return { version, body, fileName: version.artifactKey.split('/').pop()! };
  }

  /** A new version from a training job or from a run (exactly one of them); the model is created when missing. */
  register(name: string, source: { jobId?: string; runId?: string; artifactPath?: string; description?: string }, actor: string): Promise<ModelVersion> {
    if ((source.jobId === undefined) === (source.runId === undefined)) throw new ValidationFailedError([{ field: 'runId', reason: 'give either jobId (a succeeded training job) or runId (a run), not both or neither' }]);
    if (source.jobId !== undefined) {
      if (source.artifactPath !== undefined) throw new ValidationFailedError([{ field: 'artifactPath', reason: "a training job registers its own model file; artifactPath picks a file uploaded to a run (with runId)" }]);
      return this.registerFromJob(name, source.jobId, actor, source.description);
    }
    return this.registerFromRun(name, source.runId!, actor, source.artifactPath, source.description);
  }

  /**
   * A new version from a run. A training job's run registers its job (which must have succeeded); a run
   * logged by hand registers a file uploaded to it (POST /api/ml/runs/{id}/artifacts): the only one, or
   * the one artifactPath names. The run must be finished; its latest metrics go with the version.
   */
  async registerFromRun(name: string, runId: string, actor: string, artifactPath?: string, description?: string): Promise<ModelVersion> {
    assertModelName(name);
    const run = await this.experiments.activeRun(runId);
    if (run.trainingJobId) {
      if (artifactPath !== undefined) throw new ValidationFailedError([{ field: 'artifactPath', reason: "a training job's run registers the job's model file; leave artifactPath out" }]);
      return this.registerFromJob(name, run.trainingJobId, actor, description);
    }
    if (run.status !== 'finished') throw conflict('RUN_NOT_FINISHED', `Run ${runId} is ${run.status}; only a finished run can be registered (POST /api/ml/runs/${runId}/finish)`, { status: run.status });
    let path = artifactPath;
    if (path === undefined) {
      const files = await this.runArtifacts.list(run);
      if (!files.length) throw conflict('RUN_HAS_NO_ARTIFACT', `Run ${runId} has no files; upload the model with POST /api/ml/runs/${runId}/artifacts first`, { runId });
      if (files.length > 1) throw new ValidationFailedError([{ field: 'artifactPath', reason: `run ${runId} has several files (${files.map((f) => f.path).join(', ')}); name the model file` }]);
      path = files[0].path;
    }
    const { meta, key } = await this.runArtifacts.get(run, path);
    const version = await this.addVersion(name, actor, `from run ${run.id}`, {
      runId: run.id,
      trainingJobId: null,
      artifactUri: this.runArtifacts.uriOf(key),
      artifactKey: key,
      artifactSha256: meta.sha256,
      signature: { inputs: [], output: null },
      metrics: run.metrics,
      description: description ?? null,
    });
    this.bus.publish('ml.model.version_created', { model: name, version: version.version, runId: run.id, actor }, name);
    return version;
  }

  /** A new version from a succeeded training job; the model is created when missing. */
  async registerFromJob(name: string, jobId: string, actor: string, description?: string): Promise<ModelVersion> {
    assertModelName(name);
    const job = await this.jobs.findOneBy({ id: jobId });
    if (!job) throw new NotFoundError('training job', jobId);
    if (job.status !== 'succeeded' || !job.artifact) throw conflict('JOB_NOT_SUCCEEDED', `Training job ${jobId} is ${job.status}; only a succeeded job can be registered`, { status: job.status });
    const dataset = await this.datasets.findOneByOrFail({ id: job.datasetId });
    const run = await this.experiments.runOfJob(job.id);
    const columns = new Map(dataset.columns.map((c) => [c.name, c]));
    const target = columns.get(job.target);
    const metadata = await this.modelArtifacts.metadata(job.artifact);
    const categories = new Map(metadata.features.filter((f) => f.categories).map((f) => [f.name, f.categories!]));
    const signature: ModelSignature = {
      inputs: job.features.map((f) => {
        const type = columns.get(f)?.type ?? 'string';
        return { name: f, type, ...(type === 'string' && categories.has(f) ? { categories: categories.get(f) } : {}) };
      }),
      output: { name: job.target, type: target?.type ?? 'string', task: job.task, ...(job.task === 'classification' ? { classes: metadata.classes } : {}) },
    };
    const version = await this.addVersion(name, actor, `from training job ${job.id}`, {
      runId: run?.id ?? null,
      trainingJobId: job.id,
      artifactUri: job.artifact.uri,
      artifactKey: job.artifact.key,
      artifactSha256: job.artifact.sha256,
      signature,
      metrics: job.metrics ?? {},
      description: description ?? null,
      featureService: featureServiceOf(dataset.lineage, job.features),
    });
    this.bus.publish('ml.model.version_created', { model: name, version: version.version, jobId: job.id, actor }, name);
    return version;
  }

  /**
   * Inserts the next version number of the model (created when missing) under the model's row lock.
   * One artifact file is one version of a model: registering the same job's or run's file again is a 409.
   */
  private async addVersion(
    name: string,
    actor: string,
    origin: string,
    draft: Pick<ModelVersion, 'runId' | 'trainingJobId' | 'artifactUri' | 'artifactKey' | 'artifactSha256' | 'signature' | 'metrics' | 'description'> & Partial<Pick<ModelVersion, 'featureService'>>,
  ): Promise<ModelVersion> {
    await this.models
      .createQueryBuilder()
      .insert()
      .values({ id: uuidv7(), name, description: null, tags: {}, createdAt: new Date(), updatedAt: new Date() })
      .orIgnore()
      .execute();
    return this.dataSource.transaction(async (manager) => {
      const model = assertActiveModel(await this.lockModel(manager, name));
      const existing = await manager.findOneBy(ModelVersion, { modelId: model.id, artifactKey: draft.artifactKey });
      if (existing && draft.trainingJobId) throw conflict('JOB_ALREADY_REGISTERED', `Training job ${draft.trainingJobId} is already version ${existing.version} of "${name}"`, { version: existing.version });
      if (existing) throw conflict('RUN_ALREADY_REGISTERED', `File ${draft.artifactKey} of run ${draft.runId} is already version ${existing.version} of "${name}"`, { version: existing.version });
      const { max } = (await manager.createQueryBuilder(ModelVersion, 'v').select('coalesce(max(v.version), 0)', 'max').where('v.model_id = :id', { id: model.id }).getRawOne<{ max: number }>())!;
      const now = new Date();
      const created = await manager.save(manager.create(ModelVersion, { ...draft, id: uuidv7(), modelId: model.id, version: Number(max) + 1, stage: 'None', createdAt: now, updatedAt: now }));
      await this.audit(manager, model.id, created.version, 'version_created', null, 'None', actor, origin);
      return created;
    });
  }

  /**
   * Moves a version to a stage. To Production, the version now there is archived in the same
   * transaction unless archiveExisting is false (then a second Production version is a 409).
   */
  async transition(name: string, versionNumber: number, stage: Stage, options: TransitionOptions, actor: string): Promise<ModelVersion> {
    const change = await this.dataSource.transaction((manager) => this.transitionWithin(manager, name, versionNumber, stage, options, actor));
    this.announce(change!);
    return change!.version;
  }

  /**
   * The same move inside the caller's transaction, so that it commits or rolls back with the
   * caller's other writes; the model's row lock is held until that transaction ends. With
   * `unlessThere`, a version already in the stage is no change (null) instead of a 409. The caller
   * announces the change with announce() once its transaction has committed.
   */
  async transitionWithin(manager: EntityManager, name: string, versionNumber: number, stage: Stage, options: TransitionOptions & { unlessThere?: boolean }, actor: string): Promise<StageChange | null> {
    const archiveExisting = options.archiveExisting ?? true;
    const model = assertActiveModel(await this.lockModel(manager, name));
    const version = await this.versionOf(manager, model, versionNumber);
    if (options.unlessThere && version.stage === stage) return null;
    const problem = stageTransitionProblem(version.stage, stage);
    if (problem) throw conflict('INVALID_STAGE_TRANSITION', `Version ${versionNumber} of "${name}" cannot move to ${stage}: ${problem}`, { from: version.stage, to: stage });
    const archived: number[] = [];
    if (stage === 'Production') {
      const current = await manager.findBy(ModelVersion, { modelId: model.id, stage: 'Production' });
      if (current.length && !archiveExisting) {
        throw conflict('PRODUCTION_OCCUPIED', `Version ${current[0].version} of "${name}" is in Production; archive it first or promote with archiveExisting`, { production: current[0].version });
      }
      for (const previous of current) {
        await manager.update(ModelVersion, { id: previous.id }, { stage: 'Archived', updatedAt: new Date() });
        await this.audit(manager, model.id, previous.version, 'stage_transition', 'Production', 'Archived', actor, `replaced by version ${versionNumber}`);
        archived.push(previous.version);
      }
    }
    const from = version.stage;
    await manager.update(ModelVersion, { id: version.id }, { stage, updatedAt: new Date() });
    await manager.update(RegisteredModel, { id: model.id }, { updatedAt: new Date() });
    await this.audit(manager, model.id, versionNumber, 'stage_transition', from, stage, actor, options.reason ?? null);
    return { model: name, version: { ...version, stage }, from, to: stage, archived, actor };
  }

  /** Publishes a committed stage change (servers switch their traffic on it), never one that may still roll back. */
  announce(change: StageChange): void {
    this.bus.publish('ml.model.stage_changed', { model: change.model, version: change.version.version, from: change.from, to: change.to, archived: change.archived, actor: change.actor }, change.model);
  }

  /** Points an alias at a version, moving it from wherever it was. */
  async setAlias(name: string, alias: string, versionNumber: number, actor: string, reason?: string): Promise<Record<string, number>> {
    if (!ALIAS.test(alias)) throw new ValidationFailedError([{ field: 'alias', reason: `must be ${ALIAS_RULE}` }]);
    const problem = aliasProblem(alias);
    if (problem) throw conflict('ALIAS_CLASH', `Alias "${alias}" cannot be used: ${problem}`, { alias });
    await this.dataSource.transaction(async (manager) => {
      const model = assertActiveModel(await this.lockModel(manager, name));
      const version = await this.versionOf(manager, model, versionNumber);
      if (version.stage === 'Archived') throw conflict('ALIAS_CLASH', `Version ${versionNumber} of "${name}" is Archived; an alias must point at a live version (promote it again first)`, { alias, version: versionNumber });
      const previous = await manager.findOneBy(ModelAlias, { modelId: model.id, alias });
      if (previous?.version === versionNumber) return;
      await manager.upsert(ModelAlias, { modelId: model.id, alias, version: versionNumber, updatedAt: new Date() }, ['modelId', 'alias']);
      await this.audit(manager, model.id, versionNumber, 'alias_set', previous ? `${alias}@${previous.version}` : null, `${alias}@${versionNumber}`, actor, reason ?? null);
    });
    this.bus.publish('ml.model.alias_set', { model: name, alias, version: versionNumber, actor }, name);
    return (await this.get(name)).aliases;
  }

  async removeAlias(name: string, alias: string, actor: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const model = assertActiveModel(await this.lockModel(manager, name));
      const previous = await manager.findOneBy(ModelAlias, { modelId: model.id, alias });
      if (!previous) throw new NotFoundError('alias', `${name}@${alias}`, 'MODEL_ALIAS_NOT_FOUND');
      await manager.delete(ModelAlias, { modelId: model.id, alias });
      await this.audit(manager, model.id, previous.version, 'alias_removed', `${alias}@${previous.version}`, null, actor, null);
    });
    this.bus.publish('ml.model.alias_removed', { model: name, alias, actor }, name);
  }

  /** Binds a version to online features (checked by the caller), or unbinds it with null. */
  async setFeatureService(name: string, versionNumber: number, features: string[] | null, actor: string): Promise<ModelVersion> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const model = assertActiveModel(await this.lockModel(manager, name));
      const version = await this.versionOf(manager, model, versionNumber);
      const before = version.featureService?.features.join(',') ?? null;
      version.featureService = features && features.length ? { features } : null;
      version.updatedAt = new Date();
      await manager.save(version);
      await this.audit(manager, model.id, versionNumber, 'feature_service_set', before, version.featureService?.features.join(',') ?? null, actor, null);
      return version;
    });
    this.bus.publish('ml.model.feature_service_set', { model: name, version: versionNumber, features: updated.featureService?.features ?? [], actor }, name);
    return updated;
  }

  async historyOf(name: string): Promise<ModelHistoryEntry[]> {
    const model = await this.modelNamed(name);
    return this.history.find({ where: { modelId: model.id }, order: { seq: 'ASC' } });
  }

  /** Every model with its number of versions, the version in Production and its aliases, in three queries. */
  async overview(): Promise<{ model: RegisteredModel; versions: number; production: number | null; aliases: Record<string, number> }[]> {
    const models = await this.list();
    if (!models.length) return [];
    const ids = models.map((m) => m.id);
    const [versions, aliases] = await Promise.all([this.versions.find({ where: { modelId: In(ids) }, select: { modelId: true, version: true, stage: true } }), this.aliases.findBy({ modelId: In(ids) })]);
    return models.map((model) => {
      const own = versions.filter((v) => v.modelId === model.id);
      return {
        model,
        versions: own.length,
        production: own.find((v) => v.stage === 'Production')?.version ?? null,
        aliases: Object.fromEntries(aliases.filter((a) => a.modelId === model.id).map((a) => [a.alias, a.version])),
      };
    });
  }

  /** The full rows of these (model, version number) pairs, in one query; pairs that no longer exist are missing. */
  versionsOf(pairs: { modelId: string; version: number }[]): Promise<ModelVersion[]> {
    return pairs.length ? this.versions.find({ where: pairs.map(({ modelId, version }) => ({ modelId, version })) }) : Promise.resolve([]);
  }

  private async modelNamed(name: string): Promise<RegisteredModel> {
    const model = isResourceName(name) ? await this.models.findOneBy({ name }) : null;
    if (!model) throw new NotFoundError('model', name);
    return model;
  }

  private async versionOf(manager: EntityManager, model: RegisteredModel, versionNumber: number): Promise<ModelVersion> {
    const version = await manager.findOneBy(ModelVersion, { modelId: model.id, version: versionNumber });
    if (!version) throw new NotFoundError('model version', `${model.name}/${versionNumber}`, 'MODEL_VERSION_NOT_FOUND');
    return version;
  }

  private async lockModel(manager: EntityManager, name: string): Promise<RegisteredModel> {
    const model = isResourceName(name) ? await manager.findOne(RegisteredModel, { where: { name }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!model) throw new NotFoundError('model', name);
    return model;
  }

  private audit(manager: EntityManager, modelId: string, version: number | null, action: string, fromValue: string | null, toValue: string | null, actor: string, reason: string | null) {
    return manager.insert(ModelHistoryEntry, { modelId, version, action, fromValue, toValue, actor, reason, time: new Date() });
  }
}

/** A version of a model already read, by number, alias, stage name (the version in it) or `latest`. */
export function versionByRef(model: ModelView, ref: string): ModelVersion | undefined {
  const byNumber = /^\d+$/.test(ref) ? model.versions.find((v) => v.version === Number(ref)) : undefined;
  const aliased = Object.hasOwn(model.aliases, ref) ? model.versions.find((v) => v.version === model.aliases[ref]) : undefined;
  const staged = model.versions.find((v) => v.stage.toLowerCase() === ref.toLowerCase() && v.stage !== 'None');
  return byNumber ?? aliased ?? (ref === 'latest' ? model.versions[0] : staged);
}

/** versionByRef, or MODEL_VERSION_NOT_FOUND (404). */
export function resolveIn(model: ModelView, ref: string): ModelVersion {
  const found = versionByRef(model, ref);
  if (!found) throw new NotFoundError('model version', `${model.name}/${ref}`, 'MODEL_VERSION_NOT_FOUND');
  return found;
}

function assertActiveModel(model: RegisteredModel): RegisteredModel {
  if (model.deletedAt) throw conflict('MODEL_DELETED', `Model "${model.name}" is deleted; restore it first (POST /api/ml/models/${model.name}/restore)`, { name: model.name });
  return model;
}

/** Names arrive from MCP tools as well as REST; a name that breaks the rule is refused before it reaches the database. */
function assertModelName(name: string): void {
  if (!isResourceName(name)) throw new ValidationFailedError([{ field: 'name', reason: `must be ${RESOURCE_NAME_RULE}` }]);
}

/**
 * The features a model trained on historical features needs online: those of the data it takes as
 * inputs (a one-hot feature by its <feature>__<category> columns), each view at the version the data
 * was built from.
 */
function featureServiceOf(lineage: Record<string, unknown> | null, inputs: string[]): { features: string[] } | null {
  if (lineage?.kind !== 'historical-features' || !Array.isArray(lineage.featureViews)) return null;
  const used = (feature: string) => inputs.some((input) => input === feature || input.startsWith(`${feature}__`));
  const features = (lineage.featureViews as { name: string; version: number; features: string[] }[]).flatMap((v) => v.features.filter(used).map((f) => `${v.name}@${v.version}:${f}`));
  return features.length ? { features } : null;
}
