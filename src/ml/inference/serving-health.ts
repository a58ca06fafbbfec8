import { Injectable } from '@nestjs/common';
import { HealthContributions } from '../../platform/stores/dependency-probe';
import { ModelRouter } from './model-router';
import { NodeModelRuntime } from './node-model-runtime';
import { PredictionLog } from './prediction-log';
import { PoolStatus, PythonServingPool } from './python-serving-pool';

export interface ServingReport {
  /** The Python pool: interpreter (null until the first Python model is served), queue and each worker. */
  python: PoolStatus;
  /** SHA-256 of the Node models loaded in-process. */
  nodeModels: string[];
  /** (model, ref) pairs being served and the version answering each. */
  routes: { model: string; ref: string; version: number; runtime: string }[];
  samples: { stored: number; dropped: number };
}

/**
 * What serving holds right now, for /api/ml/health and the `serving` entry of /api/health: down
 * only when the Python pool was started and no worker of it is up.
 */
@Injectable()
export class ServingHealth {
  constructor(
    private readonly pool: PythonServingPool,
    private readonly node: NodeModelRuntime,
    private readonly router: ModelRouter,
    private readonly log: PredictionLog,
    health: HealthContributions,
  ) {
    health.add({
      name: 'serving',
      check: () => {
        const report = this.report();
        const workers = report.python.workers;
        const up = workers.filter((w) => w.state === 'ready').length;
        const healthy = workers.length === 0 || up > 0;
        return Promise.resolve({
          healthy,
          ...(healthy ? {} : { reason: `no Python serving worker is up (${workers.map((w) => `${w.slot}: ${w.state}${w.lastExit ? `, last exit ${w.lastExit}` : ''}`).join('; ')})` }),
          detail: { pythonWorkers: workers.map((w) => ({ pid: w.pid, state: w.state, inFlight: w.inFlight, restarts: w.restarts, loaded: w.loaded.length })), queued: report.python.queued, loadedModels: report.routes },
        });
      },
    });
  }

  report(): ServingReport {
    return { python: this.pool.status(), nodeModels: this.node.loaded(), routes: this.router.loaded(), samples: { stored: this.log.stored, dropped: this.log.dropped } };
  }
}
