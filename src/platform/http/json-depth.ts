/** Deepest nesting a JSON body may have; deeper ones are refused before anything walks them recursively. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the JSON text nests objects/arrays deeper than `max`. One pass over the bytes, skipping
 * string contents, so it costs far less than the parse it guards; a text with no more than `max`
 * opening brackets in all (most bodies) cannot nest deeper, and is let through on a count by indexOf.
 */
export function jsonNestsDeeperThan(text: Buffer | string, max = MAX_JSON_DEPTH): boolean {
  if (occurrences(text, '{', max + 1) + occurrences(text, '[', max + 1) <= max) return false;
  // text is walked by UTF-16 unit, a Buffer by byte: the characters that matter are ASCII either way, so no copy is made
  const isText = typeof text === 'string';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = isText ? text.charCodeAt(i) : text[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > max) return true;
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** How often `char` occurs in the text, counted up to `limit`. */
function occurrences(text: Buffer | string, char: string, limit: number): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1 && count < limit; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/** The refusal of a body nested too deep, shaped as body-parser's errors (400, code INVALID_BODY). */
export function tooDeepJsonError(): Error {
  return Object.assign(new Error(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, expose: true, type: 'entity.verify.failed' });
}
