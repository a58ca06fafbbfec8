import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DEPENDENCY_PROBES, DependencyProbe, HealthContributions } from '../platform/stores/dependency-probe';
import { DependencyHealthDto } from './health-response.dto';
import { withinMs } from '../platform/within-ms';

const CHECK_TIMEOUT_MS = 3000;

/** Runs the dependency probes through Terminus and reports each as up, down or disabled. */
@Injectable()
export class DependencyHealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DEPENDENCY_PROBES) private readonly probes: DependencyProbe[],
    private readonly contributions: HealthContributions,
  ) {}

  /** What features report about themselves (not dependencies: they never decide readiness). */
  async features(): Promise<Record<string, DependencyHealthDto>> {
    const entries = await Promise.all(
      this.contributions.all().map(async (entry): Promise<[string, DependencyHealthDto]> => {
        const started = performance.now();
        try {
          const { healthy, reason, version, detail } = await entry.check();
          return [entry.name, { status: healthy ? 'up' : 'down', required: false, latencyMs: Math.round((performance.now() - started) * 100) / 100, ...(version ? { version } : {}), ...(reason ? { error: reason } : {}), ...detail }];
        } catch (error) {
          return [entry.name, { status: 'down', required: false, error: (error as Error).message }];
        }
      }),
    );
    return Object.fromEntries(entries);
  }

  async check(filter: (probe: DependencyProbe) => boolean = () => true): Promise<Record<string, DependencyHealthDto>> {
    const selected = this.probes.filter(filter);
    const enabled = selected.filter((p) => p.enabled);
    let result: HealthCheckResult;
    try {
      result = await this.health.check(enabled.map((probe) => () => this.indicate(probe)));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      result = error.getResponse() as HealthCheckResult;
    }
    const details: Record<string, DependencyHealthDto> = {};
    for (const probe of selected) {
      details[probe.name] = probe.enabled
        ? (result.details[probe.name] as unknown as DependencyHealthDto)
        : { status: 'disabled', required: probe.required };
    }
    return details;
  }

  private async indicate(probe: DependencyProbe): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(probe.name);
    const started = performance.now();
    const latency = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const result = await withinMs(probe.check(), CHECK_TIMEOUT_MS, `no answer within ${CHECK_TIMEOUT_MS} ms`);
      return session.up({ required: probe.required, latencyMs: latency(), ...(result.version ? { version: result.version } : {}), ...result.detail });
    } catch (error) {
      return session.down({ required: probe.required, latencyMs: latency(), error: error instanceof Error ? error.message : String(error) });
    }
  }
}
