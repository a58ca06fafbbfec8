export const MASK = '********';

/**
 * Names whose values are credentials: query parameters, `--flag=value` arguments, `NAME=value`
 * assignments. Matching too much only hides a harmless value; matching too little leaks one.
 */
const SECRET_NAME = /token|secret|passw|pwd|credential|api[-_]?key|private[-_]?key|session|cookie|(^|[-_.])(key|sig|signature|auth|authorization|pass)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/^-+/, ''));
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s"'<>`]+/gi;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*)@/i;
const QUERY_PAIR = /([?&;])([^=&#;\s]+)=([^&#;\s]*)/g;
// `--token=abc` and `API_KEY=abc` outside URLs
const ASSIGNMENT = /(^|[\s,;([{])(-{0,2}[A-Za-z_][\w.-]{0,100})(=)("[^"]*"|'[^']*'|[^\s,;)\]}"']+)/g;
// `"password": "abc"` in JSON text
const JSON_PAIR = /"([A-Za-z_][\w.-]{0,100})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
const AUTH_SCHEME = /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/-]{8,}=*)/gi;

/** `user:pass@` (or a bare token as user) and query parameters named like credentials, masked. */
export function maskUrl(url: string): string {
  return url
    .replace(USERINFO, (_all, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `${scheme}${MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
    })
    .replace(QUERY_PAIR, (all, separator: string, name: string) => (isSecretName(safeDecode(name)) ? `${separator}${name}=${MASK}` : all));
}

/** Free text (an error message, a log line, a reason): URLs, credential assignments and auth headers masked. */
export function maskSecrets(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(URL_IN_TEXT, (url) => maskUrl(url))
    .replace(ASSIGNMENT, (all, before: string, name: string, equals: string, value: string) =>
      isSecretName(name) && value !== MASK ? `${before}${name}${equals}${MASK}` : all,
    )
    .replace(JSON_PAIR, (all, name: string, colon: string) => (isSecretName(name) ? `"${name}"${colon}"${MASK}"` : all))
    // "Basic authentication failed" is prose; a Basic credential is base64 of "user:password"
    .replace(AUTH_SCHEME, (all, scheme: string, token: string) =>
      scheme.toLowerCase() === 'basic' && !Buffer.from(token, 'base64').toString('latin1').includes(':') ? all : `${scheme} ${MASK}`,
    );
}

/**
 * Command-line arguments: `--token=abc` and the value after a bare `--token` flag, URLs, and
 * assignments inside an argument are masked; everything else is shown as given.
 */
export function maskArgs(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    const previous = i > 0 ? args[i - 1] : undefined;
    if (previous && /^-{1,2}[A-Za-z][\w.-]*$/.test(previous) && isSecretName(previous) && !arg.startsWith('-')) return MASK;
    return maskSecrets(arg);
  });
}

/** Every value of the map masked (env values and headers often hold tokens whatever their name). */
export function maskValues(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(map).map((key) => [key, MASK]));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
