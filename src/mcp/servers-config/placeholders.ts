const PLACEHOLDER = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${VAR}` and `${env:VAR}` from `env`; calls onMissing for each unset variable and leaves it empty. */
export function resolvePlaceholders(value: string, env: NodeJS.ProcessEnv, onMissing: (variable: string) => void): string {
  return value.replace(PLACEHOLDER, (_match, variable: string) => {
    const resolved = env[variable];
    if (resolved === undefined) {
      onMissing(variable);
      return '';
    }
    return resolved;
  });
}

/** Whether the value holds a `${VAR}` or `${env:VAR}` placeholder. */
export function hasPlaceholder(value: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(value);
}
