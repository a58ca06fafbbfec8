import { Injectable } from '@nestjs/common';
import { HealthContributions } from '../../platform/stores/dependency-probe';
import { MonitorsService } from './monitors.service';

/**
 * Drift in /api/health: monitors whose latest run found drift (inputs, predictions) or a performance
 * decay are listed as warnings. Drift is news
 * about the data, not a fault of the hub, so this entry is always healthy.
 */
@Injectable()
export class MonitoringHealth {
  constructor(monitors: MonitorsService, health: HealthContributions) {
    health.add({
      name: 'drift-monitors',
      check: async () => {
        const latest = await monitors.latestRuns();
        const warnings = latest
          .filter(({ run }) => run?.status === 'drift')
          .map(({ monitor, run }) => ({
            monitor: monitor.name,
            model: monitor.model,
            version: run!.version,
            drifted: run!.drifted,
            predictionDrift: run!.predictionDrift,
            ...(run!.performance?.decayed ? { performance: { metric: run!.performance.metric, reference: run!.performance.reference, current: run!.performance.current } } : {}),
            at: run!.windowTo.toISOString(),
          }));
        return { healthy: true, detail: { monitors: latest.length, warnings } };
      },
    });
  }
}
