export type DependencyName = 'postgres' | 'redis' | 'mongodb' | 'qdrant' | 's3';

export interface ProbeResult {
  version?: string;
  detail?: Record<string, unknown>;
}

/** One external system the hub talks to, as the health endpoint sees it. */
export interface DependencyProbe {
  readonly name: DependencyName;
  /** Required ones decide readiness; optional ones only show in /api/health. */
  readonly required: boolean;
  /** False when the dependency is not configured: reported as `disabled`, never checked. */
  readonly enabled: boolean;
  check(): Promise<ProbeResult>;
}

export const DEPENDENCY_PROBES = Symbol('DEPENDENCY_PROBES');

export function disabledProbe(name: DependencyName): DependencyProbe {
  return {
    name,
    required: false,
    enabled: false,
    check: () => Promise.reject(new Error(`${name} is not configured`)),
  };
}

/** A feature's own entry in /api/health (e.g. telemetry lag); features add theirs, health lists them after the stores. */
export interface HealthContribution {
  readonly name: string;
  check(): Promise<ProbeResult & { healthy: boolean; reason?: string }>;
}

/** Another product's health body a feature can answer in (`GET /api/health?format=<format>`), with a summary under `key` in the hub's own body. */
export interface HealthDialect {
  format: string;
  key: string;
  render(summary: boolean): Promise<Record<string, unknown>>;
}

export class HealthContributions {
  private readonly entries: HealthContribution[] = [];
  private readonly dialects = new Map<string, HealthDialect>();

  addDialect(dialect: HealthDialect): void {
    this.dialects.set(dialect.format, dialect);
  }

  allDialects(): HealthDialect[] {
    return [...this.dialects.values()];
  }

  add(entry: HealthContribution): void {
    this.entries.push(entry);
  }

  all(): HealthContribution[] {
    return [...this.entries];
  }
}
