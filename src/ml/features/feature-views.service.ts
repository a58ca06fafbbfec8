import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../platform/config/app-config';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { isUniqueViolation } from '../unique-violation';
import { DatasetSource } from './dataset-source';
import { definitionProblems, sourceColumns } from './feature-source';
import { FeatureView } from './feature-view.entity';
import { FeatureTransform, FeatureViewDefinition } from './feature-view-definition';
import { CreateFeatureViewDto, FeatureTransformDto } from './feature-view.dto';

/** Stable JSON: object keys sorted, so the same definition always has the same fingerprint. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : inner,
  );
}

/** The transform as stored: only the fields of its kind, so unrelated fields do not make a new version. */
function storedTransform(transform: FeatureTransformDto): FeatureTransform {
  switch (transform.kind) {
    case 'log':
      return { kind: 'log' };
    case 'bucketize':
      return { kind: 'bucketize', boundaries: transform.boundaries ?? [] };
    case 'one-hot':
      return { kind: 'one-hot', categories: transform.categories ?? [] };
    case 'rolling':
      // missing fields are reported by definitionProblems
      return { kind: 'rolling', aggregation: transform.aggregation!, windowSeconds: transform.windowSeconds! };
  }
}

/** How long a version read for online serving is reused (another hub may apply a new latest one meanwhile). */
const SERVING_CACHE_MS = 2_000;

/** A view version as the online read path needs it: with the source types its entity keys are spelt in. */
export interface ServingView {
  view: FeatureView;
  /** Entity column → its type in the source (int8, text, uuid…). */
  entityTypes: Record<string, string>;
}

/** Feature views: applied definitions, checked against their source, versioned. */
@Injectable()
export class FeatureViewsService {
  private readonly servingCache = new Map<string, { serving: ServingView; at: number }>();

  constructor(
    @InjectRepository(FeatureView) private readonly views: Repository<FeatureView>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly datasetSource: DatasetSource,
  ) {}

  /** Applies a definition: the latest version when it is the same, else a new version. */
  async apply(dto: CreateFeatureViewDto): Promise<{ view: FeatureView; created: boolean }> {
    const { table, dataset } = dto.source;
    if ((table === undefined) === (dataset === undefined)) throw new ValidationFailedError([{ field: 'source', reason: 'give exactly one of table and dataset' }]);
    const loaded = dataset === undefined ? undefined : await this.datasetSource.tableFor(dataset);
    const definition: FeatureViewDefinition = {
      entities: dto.entities,
      source: loaded ? { table: loaded.table, dataset: loaded.dataset.id } : { table: table! },
      timestampColumn: dto.timestampColumn,
      features: dto.features.map((f) => ({
        name: f.name,
        column: f.column ?? f.name,
        type: f.type,
        ...(f.transform ? { transform: storedTransform(f.transform) } : {}),
      })),
      ttlSeconds: dto.ttlSeconds,
      online: dto.online ?? false,
    };
    const problems = definitionProblems(definition, await sourceColumns(this.dataSource, definition.source.table), this.config.features.sourceSchemas);
    if (problems.length > 0) throw new ValidationFailedError(problems);
    const fingerprint = stableJson(definition);
    const latest = await this.latest(dto.name);
    if (latest?.fingerprint === fingerprint) return { view: latest, created: false };
    const view = this.views.create({ id: uuidv7(), name: dto.name, version: (latest?.version ?? 0) + 1, definition, fingerprint, createdAt: new Date() });
    try {
      const saved = await this.views.save(view);
      this.servingCache.delete(`${dto.name}@`);
      return { view: saved, created: true };
    } catch (error) {
      // another apply of this view won the version number: the caller may apply again
      if (isUniqueViolation(error)) return this.apply(dto);
      throw error;
    }
  }

  /** The latest version of every view. */
  async list(): Promise<FeatureView[]> {
    return this.views.query(
      `SELECT DISTINCT ON (name) id, name, version, definition, fingerprint, created_at AS "createdAt" FROM mcp_hub.feature_views ORDER BY name, version DESC`,
    ) as Promise<FeatureView[]>;
  }

  /** A version of a view (default the latest); 404 when there is none. */
  async get(name: string, version?: number): Promise<FeatureView> {
    const found = version === undefined ? await this.latest(name) : await this.views.findOneBy({ name, version });
    if (!found) throw new NotFoundError('feature view', version === undefined ? name : `${name}@${version}`, 'FEATURE_VIEW_NOT_FOUND');
    return found;
  }

  /** A version (default the latest) for the online read path, with its entity keys' types: from memory for up to SERVING_CACHE_MS. */
  async forServing(name: string, version?: number, now = Date.now()): Promise<ServingView> {
    const key = `${name}@${version ?? ''}`;
    const cached = this.servingCache.get(key);
    if (cached && now - cached.at < SERVING_CACHE_MS) return cached.serving;
    const view = await this.get(name, version);
    const columns = await sourceColumns(this.dataSource, view.definition.source.table);
    const serving = { view, entityTypes: Object.fromEntries(view.definition.entities.map((e) => [e, columns?.get(e)?.udt ?? 'text'])) };
    // bounded: one entry per view version that exists, and one for each view's latest
    this.servingCache.set(key, { serving, at: now });
    return serving;
  }

  async versions(name: string): Promise<FeatureView[]> {
    const all = await this.views.find({ where: { name }, order: { version: 'DESC' } });
    if (all.length === 0) throw new NotFoundError('feature view', name, 'FEATURE_VIEW_NOT_FOUND');
    return all;
  }

  private latest(name: string): Promise<FeatureView | null> {
    return this.views.findOne({ where: { name }, order: { version: 'DESC' } });
  }
}
