const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);
const INTEGER = /^[+-]?\d+$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * An entity key value from a request, spelt as PostgreSQL's `::text` spells the stored value (what the
 * online store's keys are made of), or the reason it cannot be one. `udt` is the source column's type.
 */
export function entityKeyText(value: unknown, udt: string): { text: string } | { reason: string } {
  if (typeof value !== 'string' && typeof value !== 'number') return { reason: 'must be a string or a number' };
  if (INTEGER_TYPES.has(udt)) {
    if (typeof value === 'number') return Number.isSafeInteger(value) ? { text: String(value) } : { reason: `${value} is not an integer (send integers past 2^53 as strings)` };
    return INTEGER.test(value.trim()) ? { text: BigInt(value.trim()).toString() } : { reason: `"${value}" is not an integer` };
  }
  const text = String(value);
  if (udt === 'uuid') return UUID.test(text) ? { text: text.replace(/-/g, '').toLowerCase().replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-') } : { reason: `"${text}" is not a uuid` };
  // character(n) pads with spaces, which its cast to text drops
  if (udt === 'bpchar') return { text: text.replace(/ +$/, '') };
  return { text };
}
