import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { toFieldProblems } from '../../platform/errors/validation';
import { PlaceholderContext, hasPlaceholder, resolvePlaceholders } from './placeholders';
import { SERVER_DEFAULTS, ServerDefinition } from './server-definition';
import { SERVER_NAME_PATTERN, SERVER_NAME_RULE, ServerEntryDto } from './server-entry.dto';

/** Entries added over the API: placeholders are refused there, so nothing is resolved. */
export const API_PLACEHOLDERS: PlaceholderContext = { env: {}, inputs: {}, workspaceFolder: '', userHome: '' };

export interface EntryResult {
  definition?: ServerDefinition;
  /** "field: reason", field relative to the entry (e.g. "retry.maxAttempts"). */
  problems: string[];
}

/**
 * Fields other MCP clients and editor plugins keep in the same entry (Claude Desktop, VS Code, Cursor,
 * Windsurf, mcphub.nvim, mcp-hub): accepted and ignored. Any other unknown field is a problem, so a typo
 * such as "comand" is reported instead of silently dropped.
 */
const OTHER_CLIENTS_FIELDS = new Set([
  'autoApprove', 'alwaysAllow', 'description', 'displayName', 'name', 'enabled', 'envFile', 'gallery', 'version', 'transportType', 'timeout',
  'disabled_tools', 'disabled_resources', 'disabled_prompts', 'disabledTools', 'custom_instructions', 'config_source', 'roots',
]);
const HUB_FIELDS = new Set(['command', 'args', 'env', 'cwd', 'url', 'headers', 'type', 'isolation', 'disabled', 'dependsOn', 'timeouts', 'retry', 'healthCheck', 'dev']);

/**
 * Turns one raw `mcpServers` entry into a ServerDefinition: placeholders resolved from `placeholders`
 * (for the servers file; an entry from the API that holds one is refused), a `null` env value taken from
 * the hub's environment, validated, defaults applied.
 */
export function toServerDefinition(name: string, raw: unknown, source: ServerDefinition['source'], placeholders: PlaceholderContext): EntryResult {
  const problems: string[] = [];
  if (!SERVER_NAME_PATTERN.test(name)) problems.push(`name: ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} must be ${SERVER_NAME_RULE}`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { problems: [...problems, 'entry must be an object'] };

  const entry = structuredClone(raw) as Record<string, unknown>;
  // a disabled entry never runs, so a variable it mentions may be unset until it is enabled
  const disabled = entry.disabled === true;
  const resolve = (field: string, value: unknown) => {
    if (typeof value !== 'string') return value;
    // the hub's environment holds its own secrets (database password, encryption key): an API client
    // must not get them put into a URL it chose, nor learn which variables exist
    if (source === 'api') {
      if (hasPlaceholder(value)) problems.push(`${field}: placeholders such as \${VAR} are expanded only in the servers file; write the value itself`);
      return value;
    }
    return resolvePlaceholders(value, placeholders, (reason) => disabled || problems.push(`${field}: ${reason}`));
  };
  for (const field of Object.keys(entry)) {
    if (!HUB_FIELDS.has(field) && !OTHER_CLIENTS_FIELDS.has(field)) problems.push(`${field}: unknown field; known fields are ${[...HUB_FIELDS].join(', ')}`);
  }
  for (const field of ['command', 'cwd', 'url'] as const) entry[field] = resolve(field, entry[field]);
  if (Array.isArray(entry.args)) entry.args = entry.args.map((arg, i) => resolve(`args[${i}]`, arg));
  for (const field of ['env', 'headers'] as const) {
    const map = entry[field];
    if (map && typeof map === 'object' && !Array.isArray(map)) {
      for (const [key, value] of Object.entries(map)) {
        // a non-string value is reported by the entry's validation
        if (typeof value === 'string') (map as Record<string, string>)[key] = resolve(`${field}.${key}`, value) as string;
        else if (value === null && field === 'env') (map as Record<string, string>)[key] = inherited(key, source, placeholders, (reason) => disabled || problems.push(`env.${key}: ${reason}`));
      }
    }
  }
  const dev = entry.dev as { cwd?: unknown } | undefined;
  if (dev && typeof dev === 'object' && typeof dev.cwd === 'string') dev.cwd = resolve('dev.cwd', dev.cwd);

  const dto = plainToInstance(ServerEntryDto, entry);
  problems.push(...toFieldProblems(validateSync(dto, { whitelist: true })).map((p) => `${p.field}: ${p.reason}`));
  if (dto.command && dto.url) problems.push('command/url: give either command (stdio) or url (remote), not both');
  if (!dto.command && !dto.url) problems.push('command/url: one of command (stdio) or url (remote) is required');
  if (dto.type === 'stdio' && dto.url) problems.push('type: "stdio" needs a command, not a url');
  if (dto.type && dto.type !== 'stdio' && dto.command) problems.push(`type: "${dto.type}" needs a url, not a command`);
  if (dto.dev && source === 'api') problems.push('dev: restarting on file changes is for servers in the servers file');
  else if (dto.dev?.enabled === true && !dto.dev.cwd && !dto.cwd) problems.push('dev.cwd: name the folder to watch (an absolute path), or give the entry a cwd');
  else if (dto.dev && dto.url) problems.push('dev: restarting on file changes works for stdio servers (command) only');
  if (problems.length > 0) return { problems };

  const definition: ServerDefinition = {
    name,
    source,
    transport: dto.command
      ? { kind: 'stdio', command: dto.command, args: dto.args ?? [], env: dto.env ?? {}, ...(dto.cwd ? { cwd: dto.cwd } : {}) }
      : { kind: 'remote', url: dto.url!, headers: dto.headers ?? {}, type: dto.type === 'sse' ? 'sse' : dto.type === 'http' || dto.type === 'streamable-http' ? 'streamable-http' : 'auto' },
    disabled: dto.disabled ?? false,
    isolation: dto.isolation ?? (dto.command ? 'shared' : 'per-session'),
    dependsOn: dto.dependsOn ?? [],
    timeouts: { ...SERVER_DEFAULTS.timeouts, ...stripUndefined(dto.timeouts) },
    retry: { ...SERVER_DEFAULTS.retry, ...stripUndefined(dto.retry) },
    healthCheck: { ...SERVER_DEFAULTS.healthCheck, ...stripUndefined(dto.healthCheck) },
    ...(typeof entry.name === 'string' && entry.name ? { displayName: entry.name.slice(0, 200) } : {}),
    ...(typeof entry.description === 'string' && entry.description ? { description: entry.description.slice(0, 2000) } : {}),
    ...(dto.dev?.enabled === true && dto.command ? { dev: { watch: dto.dev.watch ?? ['**/*'], cwd: (dto.dev.cwd ?? dto.cwd)! } } : {}),
  };
  if (definition.retry.maxDelayMs < definition.retry.initialDelayMs) return { problems: ['retry.maxDelayMs: must not be less than retry.initialDelayMs'] };
  return { definition, problems: [] };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A `null` env value: the hub's own variable of that name (from the file only; the API may not read the hub's environment). */
function inherited(key: string, source: ServerDefinition['source'], placeholders: PlaceholderContext, onProblem: (reason: string) => void): string {
  if (source === 'api') {
    onProblem('null (inherit from the hub) works in the servers file only; write the value itself');
    return '';
  }
  const value = placeholders.env[key];
  if (value === undefined) onProblem(`null takes ${key} from the hub's environment, where it is not set`);
  return value ?? '';
}

/**
 * A file entry that cannot run as written: kept, disabled, with its problems as the reason, so the
 * rest of the file starts and the server shows what to fix. Nothing of it is resolved.
 */
export function brokenDefinition(name: string, raw: unknown, problems: string[]): ServerDefinition {
  const entry = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    name,
    source: 'file',
    transport: typeof entry.url === 'string' ? { kind: 'remote', url: entry.url, headers: {}, type: 'auto' } : { kind: 'stdio', command: typeof entry.command === 'string' ? entry.command : '', args: [], env: {} },
    disabled: true,
    problems,
    isolation: 'shared',
    dependsOn: Array.isArray(entry.dependsOn) ? entry.dependsOn.filter((d): d is string => typeof d === 'string') : [],
    timeouts: { ...SERVER_DEFAULTS.timeouts },
    retry: { ...SERVER_DEFAULTS.retry },
    healthCheck: { ...SERVER_DEFAULTS.healthCheck },
  };
}
