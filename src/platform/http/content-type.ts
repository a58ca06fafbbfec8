/** application/json and application/<something>+json, with or without parameters. */
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * Whether a Content-Type header names JSON. Matched from the start, since a substring test would take
 * `text/plain; x=application/json`, a type browsers send cross-site without a preflight.
 */
export function isJsonContentType(type: string | undefined): boolean {
  return type !== undefined && JSON_TYPE.test(type);
}
