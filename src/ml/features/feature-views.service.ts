import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../platform/config/app-config';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { isUniqueViolation } from '../unique-violation';
import { definitionProblems, sourceColumns } from './feature-source';
import { FeatureView } from './feature-view.entity';
import { FeatureViewDefinition } from './feature-view-definition';
import { CreateFeatureViewDto } from './feature-view.dto';

/** Stable JSON: object keys sorted, so the same definition always has the same fingerprint. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : inner,
  );
}

/** How long a latest version read for online serving is reused (another hub may apply a new one meanwhile). */
const LATEST_CACHE_MS = 2_000;

/** Feature views: applied definitions, checked against their source, versioned. */
@Injectable()
export class FeatureViewsService {
  private readonly latestCache = new Map<string, { view: FeatureView; at: number }>();

  constructor(
    @InjectRepository(FeatureView) private readonly views: Repository<FeatureView>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Applies a definition: the latest version when it is the same, else a new version. */
  async apply(dto: CreateFeatureViewDto): Promise<{ view: FeatureView; created: boolean }> {
    const definition: FeatureViewDefinition = {
      entities: dto.entities,
      source: { table: dto.source.table },
      timestampColumn: dto.timestampColumn,
      features: dto.features.map((f) => ({
        name: f.name,
        column: f.column ?? f.name,
        type: f.type,
        ...(f.transform ? { transform: f.transform.kind === 'log' ? { kind: 'log' } : f.transform.kind === 'bucketize' ? { kind: 'bucketize', boundaries: f.transform.boundaries ?? [] } : { kind: 'one-hot', categories: f.transform.categories ?? [] } } : {}),
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
      this.latestCache.delete(dto.name);
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

  /** The latest version for the online read path: from memory for up to LATEST_CACHE_MS. */
  async latestForServing(name: string, now = Date.now()): Promise<FeatureView> {
    const cached = this.latestCache.get(name);
    if (cached && now - cached.at < LATEST_CACHE_MS) return cached.view;
    const view = await this.get(name);
    // bounded: one entry per view name that exists
    this.latestCache.set(name, { view, at: now });
    return view;
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
