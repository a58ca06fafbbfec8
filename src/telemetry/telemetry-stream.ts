import { AppConfig } from '../platform/config/app-config';

/** Redis keys of the telemetry pipeline (with the hub's key prefix). */
export function telemetryKeys(config: AppConfig) {
  return {
    stream: `${config.redis.keyPrefix}telemetry:events`,
    deadLetter: `${config.redis.keyPrefix}telemetry:dead-letter`,
    group: 'telemetry-writers',
  };
}

/** Stream entries carry one field, `e`, holding the envelope as JSON. */
export const ENTRY_FIELD = 'e';
