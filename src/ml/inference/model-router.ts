import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { RegistryService, resolveIn, versionByRef } from '../registry/registry.service';
import { NoProductionVersionError } from './inference.errors';
import { LruCache } from './lru-cache';
import { PreparedModel, ServingRuntimes } from './serving-runtimes';

/** The ref a prediction without one goes to. */
export const DEFAULT_REF = 'Production';

/** How long a route is used before the registry is asked again (promotions made through another replica). */
const RECHECK_MS = 2000;
/** Routes remembered: (model, ref) pairs that resolved, so bounded by what the registry holds. */
const MAX_ROUTES = 1000;

interface Route {
  name: string;
  ref: string;
  model: PreparedModel;
  checkedAt: number;
  /** Bumped by every refresh; a refresh that finishes after a newer one started leaves the route alone. */
  generation: number;
  refreshing?: Promise<void>;
}

/**
 * Which loaded version answers (model, ref). The first request resolves through the registry and
 * loads the version; later ones use the route. A route moves to another version only once that
 * version is loaded: on a registry event here (promotion, alias move, new version, delete) at once,
 * and otherwise when a request finds the route older than RECHECK_MS — that request and those after
 * it keep the old version until the new one is ready, so no request waits for or fails on a switch.
 */
@Injectable()
export class ModelRouter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ModelRouter');
  private readonly routes = new LruCache<string, Route>(MAX_ROUTES);
  private readonly cold = new Map<string, Promise<Route>>();
  private unsubscribe?: () => void;

  constructor(
    private readonly registry: RegistryService,
    private readonly runtimes: ServingRuntimes,
    private readonly bus: EventBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => {
      const name = (event.data as { model?: unknown }).model;
      if (typeof name === 'string') void this.onModelChanged(name, event.type, event.data);
    }, ['ml.model.']);
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The loaded version that answers (name, ref); 404 for an unknown model or ref, 409 for a deleted model. */
  async route(name: string, ref: string = DEFAULT_REF): Promise<PreparedModel> {
    const key = keyOf(name, ref);
    const route = this.routes.get(key);
    if (route) {
      if (Date.now() - route.checkedAt > RECHECK_MS && !route.refreshing) void this.refresh(route);
      return route.model;
    }
    let pending = this.cold.get(key);
    if (!pending) {
      pending = this.open(name, ref).finally(() => this.cold.delete(key));
      this.cold.set(key, pending);
    }
    return (await pending).model;
  }

  /** Loads what (name, ref) resolves to now, without waiting for a request; failures are logged. */
  warm(name: string, ref: string = DEFAULT_REF): Promise<void> {
    return this.route(name, ref).then(
      () => undefined,
      (error: Error) => this.logger.warn(`Could not load ${name}@${ref} ahead of its first request: ${error.message}`),
    );
  }

  /** Versions being served, for health. */
  loaded(): { model: string; ref: string; version: number; runtime: string }[] {
    return this.routes.values().map((r) => ({ model: r.name, ref: r.ref, version: r.model.served.version, runtime: r.model.served.runtime }));
  }

  private async open(name: string, ref: string): Promise<Route> {
    const model = await this.prepare(name, ref);
    const route: Route = { name, ref, model, checkedAt: Date.now(), generation: 0 };
    this.routes.set(keyOf(name, ref), route);
    return route;
  }

  private async prepare(name: string, ref: string): Promise<PreparedModel> {
    const view = await this.registry.get(name);
    if (view.deletedAt) throw new ConflictError('MODEL_DELETED', `Model "${name}" is deleted; restore it first (POST /api/ml/models/${name}/restore)`, { name });
    const version = versionByRef(view, ref);
    if (!version && ref === DEFAULT_REF) throw new NoProductionVersionError(name);
    return this.runtimes.prepare(name, version ?? resolveIn(view, ref));
  }

  /** Re-resolves the route and, when it names another version, loads that one before switching. */
  private refresh(route: Route): Promise<void> {
    const generation = ++route.generation;
    route.refreshing = (async () => {
      try {
        const view = await this.registry.get(route.name);
        const version = view.deletedAt ? undefined : versionByRef(view, route.ref);
        if (generation !== route.generation) return;
        if (!version) {
          // the ref names nothing any more: the next request resolves afresh and gets the 404 or 409
          this.routes.delete(keyOf(route.name, route.ref));
          return;
        }
        // the same version keeps its loaded model; its record is taken afresh (a new feature service binding)
        const model = version.id === route.model.version.id ? { ...route.model, version } : await this.runtimes.prepare(route.name, version);
        if (generation !== route.generation) return;
        if (model.version.id !== route.model.version.id) this.logger.log(`${route.name}@${route.ref} now served by version ${model.served.version} (was ${route.model.served.version})`);
        route.model = model;
        route.checkedAt = Date.now();
      } catch (error) {
        if (error instanceof NotFoundError) this.routes.delete(keyOf(route.name, route.ref));
        else this.logger.warn(`Re-checking ${route.name}@${route.ref} failed; version ${route.model.served.version} keeps serving: ${(error as Error).message}`);
        route.checkedAt = Date.now();
      } finally {
        if (generation === route.generation) route.refreshing = undefined;
      }
    })();
    return route.refreshing;
  }

  private async onModelChanged(name: string, type: string, data: Record<string, unknown>): Promise<void> {
    const own = this.routes.values().filter((r) => r.name === name);
    await Promise.all(own.map((route) => this.refresh(route)));
    const promoted = type === 'ml.model.stage_changed' && data.to === DEFAULT_REF;
    if (promoted && !own.some((r) => r.ref === DEFAULT_REF)) await this.warm(name);
  }
}

const keyOf = (name: string, ref: string) => `${name}\u0000${ref}`;
