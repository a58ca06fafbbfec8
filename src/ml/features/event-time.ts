/** An ISO 8601 date-time without an offset (`2026-11-20T10:00:00`, `2026-11-20 10:00`). */
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A time given by a caller, or undefined when it is none. Without an offset it is UTC, as the
 * hub reads `timestamp without time zone` sources, not the hub's local zone. Numbers are epoch ms.
 */
export function parseEventTime(value: unknown): Date | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const at = new Date(NO_OFFSET.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
