import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, FieldProblem, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import type { HubEventMap } from '../../platform/events/hub-event';
import { RegistryService, versionByRef } from '../registry/registry.service';
import { isResourceName } from '../resource-name';
import { isUniqueViolation } from '../unique-violation';
import { AbTestResultsService } from './ab-test-results.service';
import { CreateAbTestDto } from './ab-test.dto';
import { AbConclusion, AbTest, AbVariant } from './ab-test.entity';
import { abTestConcluded } from './ab-test-errors';

/** A/B tests: creation (variants pinned to versions), listing, stop, and conclusion through the registry. */
@Injectable()
export class AbTestsService {
  constructor(
    @InjectRepository(AbTest) private readonly tests: Repository<AbTest>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly results: AbTestResultsService,
    private readonly bus: EventBus,
  ) {}

  /**
   * Each variant's ref is resolved to a version now and the test serves that version to the end:
   * an alias or stage that moves during the test must not change what a variant is.
   */
  async create(dto: CreateAbTestDto, actor: string): Promise<AbTest> {
    const problems: FieldProblem[] = [];
    const seen = new Map<string, number>();
    dto.variants.forEach((variant, i) => {
      const first = seen.get(variant.name.toLowerCase());
      if (first !== undefined) problems.push({ field: `variants[${i}].name`, reason: `"${variant.name}" is already the name of variants[${first}]; variant names must be unique (case-insensitive)` });
      else seen.set(variant.name.toLowerCase(), i);
    });
    if (dto.metric.kind === 'proportion' && dto.minimumDetectableEffect !== undefined && dto.minimumDetectableEffect >= 1) {
      problems.push({ field: 'minimumDetectableEffect', reason: 'is an absolute difference of rates for a proportion metric, so it must be below 1 (0.02 = two percentage points)' });
    }
    if (problems.length) throw new ValidationFailedError(problems);

    const model = await this.registry.get(dto.model);
    if (model.deletedAt) throw new ConflictError('MODEL_DELETED', `Model "${model.name}" is deleted; restore it first (POST /api/ml/models/${model.name}/restore)`, { name: model.name });
    const variants: AbVariant[] = [];
    for (const [i, variant] of dto.variants.entries()) {
      const version = versionByRef(model, variant.ref);
      if (version) variants.push({ name: variant.name, ref: variant.ref, version: version.version, weight: variant.weight });
      else problems.push({ field: `variants[${i}].ref`, reason: `"${variant.ref}" is no version, alias or stage of model "${model.name}" (versions: ${model.versions.map((v) => v.version).join(', ') || 'none'})` });
    }
    if (problems.length) throw new ValidationFailedError(problems);

    const test = this.tests.create({
      id: uuidv7(),
      name: dto.name,
      modelId: model.id,
      modelName: model.name,
      variants,
      metricKind: dto.metric.kind,
      metricName: dto.metric.name,
      minimumDetectableEffect: dto.minimumDetectableEffect ?? null,
      alpha: dto.alpha ?? 0.05,
      power: dto.power ?? 0.8,
      status: 'running',
      createdBy: actor,
      createdAt: new Date(),
      stoppedAt: null,
      stoppedBy: null,
      concludedAt: null,
      conclusion: null,
    });
    try {
      await this.tests.insert(test);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('AB_TEST_EXISTS', `An A/B test named "${dto.name}" already exists; choose another name`, { name: dto.name });
      throw error;
    }
    this.bus.publish<HubEventMap['ml.abtest.created']>(
      'ml.abtest.created',
      { test: test.name, model: model.name, variants: variants.map(({ name, version, weight }) => ({ name, version, weight })), metric: { kind: test.metricKind, name: test.metricName }, actor },
      test.name,
    );
    return test;
  }

  list(): Promise<AbTest[]> {
    return this.tests.find({ order: { createdAt: 'DESC' } });
  }

  async get(name: string): Promise<AbTest> {
    const test = isResourceName(name) ? await this.tests.findOneBy({ name }) : null;
    if (!test) throw new NotFoundError('A/B test', name, 'AB_TEST_NOT_FOUND');
    return test;
  }

  /** No new units from now on; units already assigned keep their variant and their outcomes still count. */
  async stop(name: string, actor: string): Promise<AbTest> {
    const test = await this.get(name);
    if (test.status === 'concluded') throw abTestConcluded(test);
    const { affected } = await this.tests.update({ id: test.id, status: 'running' }, { status: 'stopped', stoppedAt: new Date(), stoppedBy: actor });
    if (affected) this.bus.publish<HubEventMap['ml.abtest.stopped']>('ml.abtest.stopped', { test: test.name, model: test.modelName, actor }, test.name);
    return this.get(name);
  }

  /**
   * Ends the test (stopping it if it runs) and, with a winner, promotes the winner's version to
   * Production through the registry (archiving the version there, audited in the model history with
   * this actor). The test's row lock, the results snapshot, the promotion and the conclusion share one
   * transaction on one connection: two concurrent conclusions cannot both promote, a failure leaves
   * neither the promotion nor the conclusion, and a conclusion never waits for a second connection
   * while holding one (which would exhaust the pool under concurrent conclusions).
   */
  async conclude(name: string, winner: string | undefined, reason: string, actor: string): Promise<AbTest> {
    const current = await this.get(name);
    const variant = winner === undefined ? undefined : current.variants.find((v) => v.name === winner);
    if (winner !== undefined && !variant) throw new ValidationFailedError([{ field: 'winner', reason: `"${winner}" is not a variant of A/B test "${name}" (variants: ${current.variants.map((v) => v.name).join(', ')})` }]);
    const { record, change } = await this.dataSource.transaction(async (manager) => {
      const test = await manager.findOne(AbTest, { where: { id: current.id }, lock: { mode: 'pessimistic_write' } });
      if (!test) throw new NotFoundError('A/B test', name, 'AB_TEST_NOT_FOUND');
      if (test.status === 'concluded') throw abTestConcluded(test);
      const results = await this.results.resultsOf(test, manager);
      const change = variant
        ? await this.registry.transitionWithin(manager, test.modelName, variant.version, 'Production', { archiveExisting: true, reason: `A/B test "${test.name}": ${variant.name} won. ${reason}`, unlessThere: true }, actor)
        : null;
      const now = new Date();
      const record: AbConclusion = { winner: variant?.name ?? null, version: variant?.version ?? null, promoted: change !== null, reason, actor, results };
      await manager.update(AbTest, { id: test.id }, { status: 'concluded', concludedAt: now, conclusion: record, stoppedAt: test.stoppedAt ?? now, stoppedBy: test.stoppedBy ?? actor });
      return { record, change };
    });
    if (change) this.registry.announce(change);
    this.bus.publish<HubEventMap['ml.abtest.concluded']>(
      'ml.abtest.concluded',
      { test: current.name, model: current.modelName, winner: record.winner, version: record.version, promoted: record.promoted, actor },
      current.name,
    );
    return this.get(name);
  }
}
