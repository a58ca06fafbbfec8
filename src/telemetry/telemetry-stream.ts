import { AppConfig } from '../platform/config/app-config';

/** The consumer group that stores the stream's entries in PostgreSQL. */
export const TELEMETRY_GROUP = 'telemetry-writers';

/** Redis keys of the telemetry pipeline (with the hub's key prefix). */
export function telemetryKeys(config: AppConfig) {
  return {
    stream: `${config.redis.keyPrefix}telemetry:events`,
    deadLetter: `${config.redis.keyPrefix}telemetry:dead-letter`,
    group: TELEMETRY_GROUP,
  };
}

/** Stream entries carry the envelope as JSON in field `e`; any writer may add them, and the consumer validates them. */
export const ENTRY_FIELD = 'e';
/**
 * A second field, `v` = `1`, marks an envelope a hub's producer validated before writing it (the hub's
 * own events are valid as made, REST ingest validates each one). The consumer stores those as written
 * and validates them one by one only when PostgreSQL refuses a batch; a consumer that does not know
 * the mark reads `e` as ever.
 */
export const VALIDATED_FIELD = 'v';

/** A Redis reply of alternating names and values (XINFO) as [name, value] pairs. */
export function fieldPairs(fields: unknown[]): [string, unknown][] {
  const pairs: [string, unknown][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([String(fields[i]), fields[i + 1]]);
  return pairs;
}
