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

/** A Redis reply of alternating names and values (XINFO) as [name, value] pairs. */
export function fieldPairs(fields: unknown[]): [string, unknown][] {
  const pairs: [string, unknown][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([String(fields[i]), fields[i + 1]]);
  return pairs;
}
