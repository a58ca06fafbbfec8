import type { AdapterHealthDto, MlHealthDto } from './ml-health.dto';

/** ok, or what is wrong: the queue decides down; no worker or a missing runtime is degraded. */
export function mlHealthStatus(queueUp: boolean, liveWorkers: number, adapters: Pick<AdapterHealthDto, 'available'>[]): MlHealthDto['status'] {
  if (!queueUp) return 'down';
  return liveWorkers === 0 || adapters.some((adapter) => !adapter.available) ? 'degraded' : 'ok';
}
