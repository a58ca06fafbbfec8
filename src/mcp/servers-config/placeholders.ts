import { sep } from 'node:path';

/** Outcome of one `${cmd: ...}` run at load time. */
export type CommandOutcome = { output: string } | { error: string };

/** What placeholders in the servers file resolve from. */
export interface PlaceholderContext {
  env: NodeJS.ProcessEnv;
  /** `${input:X}` values (MCP_HUB_ENV). */
  inputs: Record<string, string>;
  workspaceFolder: string;
  userHome: string;
  /** Outcomes of the file's `${cmd: ...}` placeholders; undefined while they are off. */
  commands?: ReadonlyMap<string, CommandOutcome>;
}

const ANY_PLACEHOLDER = /\$\{([^{}]*)\}/g;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMMAND = /^cmd:(.*)$/s;

/** The command of a `${cmd: ...}` body, trimmed, or undefined for other forms. */
function commandOf(body: string): string | undefined {
  const match = COMMAND.exec(body);
  return match ? match[1].trim() : undefined;
}

/**
 * Replaces every `${...}` in `value`: `${VAR}`, `${env:VAR}`, `${input:X}`, `${cmd: ...}`,
 * `${workspaceFolder}`, `${userHome}`, `${pathSeparator}` and `${/}`. A placeholder that cannot be
 * resolved (unset variable, unknown form, a command that is off or failed) is reported through
 * `onProblem` and replaced by nothing: no placeholder is ever passed on literally.
 */
export function resolvePlaceholders(value: string, context: PlaceholderContext, onProblem: (reason: string) => void): string {
  // a nested or unclosed one (`${cmd: awk '{print $1}'}`, `${A${B}}`) is not matched below: it must not pass either
  if (value.replace(ANY_PLACEHOLDER, '').includes('${')) onProblem('holds a "${" the hub cannot read: placeholders cannot be nested or contain braces, and must be closed with "}"');
  return value.replace(ANY_PLACEHOLDER, (placeholder, body: string) => {
    const resolved = resolveOne(body, context);
    if (typeof resolved === 'string') return resolved;
    onProblem(resolved.problem);
    return '';
  });
}

function resolveOne(body: string, context: PlaceholderContext): string | { problem: string } {
  if (body === 'workspaceFolder') return context.workspaceFolder;
  if (body === 'userHome') return context.userHome;
  if (body === 'pathSeparator' || body === '/') return sep;
  const command = commandOf(body);
  if (command !== undefined) {
    if (!context.commands) return { problem: `\${cmd: ${command}} is not run: command placeholders are off; set MCP_HUB_ALLOW_CMD_PLACEHOLDERS=true to run them` };
    const outcome = context.commands.get(command);
    if (!outcome) return { problem: `\${cmd: ${command}} was not run` };
    return 'error' in outcome ? { problem: `\${cmd: ${command}} failed: ${outcome.error}` } : outcome.output;
  }
  if (body.startsWith('input:')) {
    const input = body.slice('input:'.length).trim();
    return context.inputs[input] ?? { problem: `input ${input} is not in MCP_HUB_ENV` };
  }
  const variable = body.startsWith('env:') ? body.slice('env:'.length).trim() : body;
  if (!VARIABLE.test(variable)) return { problem: `unknown placeholder \${${body}}; use \${VAR}, \${env:VAR}, \${input:X}, \${cmd: ...}, \${workspaceFolder}, \${userHome}, \${pathSeparator} or \${/}` };
  return context.env[variable] ?? context.inputs[variable] ?? { problem: `environment variable ${variable} is not set` };
}

/** Whether the value holds any `${...}` placeholder. */
export function hasPlaceholder(value: string): boolean {
  return new RegExp(ANY_PLACEHOLDER.source).test(value);
}

/** Every distinct `${cmd: ...}` command in the strings of `value` (walked deeply). */
export function placeholderCommands(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const [, body] of value.matchAll(ANY_PLACEHOLDER)) {
      const command = commandOf(body);
      if (command) found.add(command);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) placeholderCommands(item, found);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) placeholderCommands(item, found);
  }
  return found;
}
