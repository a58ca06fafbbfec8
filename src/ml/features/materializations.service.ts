import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { FeatureMaterialization } from './feature-materialization.entity';
import { entityKeyText } from './entity-key';
import { parseEventTime } from './event-time';
import { FeatureViewsService } from './feature-views.service';
import { MATERIALIZATION_QUEUE, MaterializationJobData } from './materialization-queue';
import { OnlineStore, OnlineStatus } from './online-store';

/** Materialisation jobs and schedules of online views, and reads from the online store. */
@Injectable()
export class MaterializationsService {
  constructor(
    @InjectQueue(MATERIALIZATION_QUEUE) private readonly queue: Queue<MaterializationJobData>,
    @InjectRepository(FeatureMaterialization) private readonly progress: Repository<FeatureMaterialization>,
    private readonly views: FeatureViewsService,
    private readonly online: OnlineStore,
  ) {}

  /** Queues a run of the latest version (or the one given); with `everySeconds`, also (re)places its repeating schedule of the latest. */
  async submit(name: string, options: { start?: string; end?: string; everySeconds?: number; version?: number }): Promise<{ jobId: string; view: string; version: number; schedule: { everySeconds: number } | null }> {
    if (options.version !== undefined && options.everySeconds) throw new ValidationFailedError([{ field: 'everySeconds', reason: 'a schedule materialises the latest version; leave out version to schedule' }]);
    const view = await this.views.get(name, options.version);
    if (!view.definition.online) throw new ConflictError('FEATURE_VIEW_NOT_ONLINE', `${name} is not an online view; apply it with "online": true to materialise it`, { view: name });
    // times without an offset are UTC, as everywhere in the feature store
    const window: { start?: string; end?: string } = {};
    for (const field of ['start', 'end'] as const) {
      if (options[field] === undefined) continue;
      const at = parseEventTime(options[field]);
      if (!at) throw new ValidationFailedError([{ field, reason: `"${options[field]}" is not a time the hub can read (e.g. 2026-11-20T10:00:00Z)` }]);
      window[field] = at.toISOString();
    }
    if (window.start && window.end && window.start >= window.end) throw new ValidationFailedError([{ field: 'end', reason: 'must be after start' }]);
    const data = { view: name, version: view.version, ...window };
    const jobId = uuidv7();
    await this.queue.add('materialize', data, { jobId, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } });
    if (options.everySeconds) {
      await this.queue.upsertJobScheduler(`materialize:${name}`, { every: options.everySeconds * 1000 }, { name: 'materialize', data: { view: name } });
    }
    return { jobId, view: name, version: view.version, schedule: options.everySeconds ? { everySeconds: options.everySeconds } : null };
  }

  /** Where the view's materialisation is: its watermark, its last run, and the state of a job. */
  async status(name: string, jobId?: string) {
    await this.views.get(name);
    const state = await this.progress.findOneBy({ viewName: name });
    const found = jobId ? await this.queue.getJob(jobId) : undefined;
    const job = found?.data.view === name ? found : undefined;
    if (jobId && !job) throw new NotFoundError('materialization job', jobId, 'JOB_NOT_FOUND');
    return {
      view: name,
      version: state?.version ?? null,
      watermark: state?.watermark?.toISOString() ?? null,
      lastRun: state?.lastRun ?? null,
      ...(job ? { job: { id: job.id, state: await job.getState(), progress: job.progress, failedReason: job.failedReason ?? null } } : {}),
    };
  }

  /** Values of `view:feature` references for entities: null with why (missing, expired) when the store has none. */
  async read(references: string[], entities: Record<string, unknown>[]) {
    // by view and version ("view" for the latest, "view@3" for version 3): the keys a response uses are the references as given
    const byView = new Map<string, string[]>();
    const problems: { field: string; reason: string }[] = [];
    references.forEach((reference, i) => {
      const match = /^([^@:]+(?:@\d+)?):([^:]+)$/.exec(reference);
      if (!match) problems.push({ field: `features[${i}]`, reason: 'must be view:feature or view@version:feature' });
      else byView.set(match[1], [...(byView.get(match[1]) ?? []), match[2]]);
    });
    if (problems.length) throw new ValidationFailedError(problems);
    const results = entities.map((entity) => ({ entity, values: {} as Record<string, unknown>, statuses: {} as Record<string, OnlineStatus> }));
    for (const [viewRef, features] of byView) {
      const [name, version] = viewRef.split('@');
      const serving = await this.views.forServing(name, version === undefined ? undefined : Number(version)).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      });
      if (!serving) throw new ValidationFailedError([{ field: 'features', reason: `no feature view ${version ? `${name} version ${version}` : name}` }]);
      const { view, entityTypes } = serving;
      const definitions = features.map((feature) => {
        const found = view.definition.features.find((f) => f.name === feature);
        if (!found) throw new ValidationFailedError([{ field: 'features', reason: `${name} has no feature "${feature}"` }]);
        return found;
      });
      if (!view.definition.online) throw new ConflictError('FEATURE_VIEW_NOT_ONLINE', `${name} is not an online view`, { view: name });
      const keys = entities.map((entity, i) =>
        view.definition.entities.map((column) => {
          if (entity[column] === undefined) throw new ValidationFailedError([{ field: `entities[${i}].${column}`, reason: `${name} is keyed by ${view.definition.entities.join(', ')}` }]);
          const key = entityKeyText(entity[column], entityTypes[column]);
          if ('reason' in key) throw new ValidationFailedError([{ field: `entities[${i}].${column}`, reason: key.reason }]);
          return key.text;
        }),
      );
      const read = await this.online.read(name, view.version, view.definition.ttlSeconds, definitions, keys);
      read.forEach(({ values, status }, i) => {
        for (const [column, value] of Object.entries(values)) {
          results[i].values[`${viewRef}:${column}`] = value;
          results[i].statuses[`${viewRef}:${column}`] = status;
        }
      });
    }
    return { results };
  }
}
