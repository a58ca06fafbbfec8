import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { toFieldProblems } from '../../platform/errors/validation';
import { hasPlaceholder, resolvePlaceholders } from './placeholders';
import { SERVER_DEFAULTS, ServerDefinition } from './server-definition';
import { SERVER_NAME_PATTERN, SERVER_NAME_RULE, ServerEntryDto } from './server-entry.dto';

export interface EntryResult {
  definition?: ServerDefinition;
  /** "field: reason", field relative to the entry (e.g. "retry.maxAttempts"). */
  problems: string[];
}

/**
 * Turns one raw `mcpServers` entry into a ServerDefinition: placeholders resolved from `env` (for the
 * servers file; an entry from the API that holds one is refused),
 * validated (unknown fields other clients add, like `autoApprove`, are ignored), defaults applied.
 */
export function toServerDefinition(name: string, raw: unknown, source: ServerDefinition['source'], env: NodeJS.ProcessEnv): EntryResult {
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
    return resolvePlaceholders(value, env, (variable) => disabled || problems.push(`${field}: environment variable ${variable} is not set`));
  };
  for (const field of ['command', 'cwd', 'url'] as const) entry[field] = resolve(field, entry[field]);
  if (Array.isArray(entry.args)) entry.args = entry.args.map((arg, i) => resolve(`args[${i}]`, arg));
  for (const field of ['env', 'headers'] as const) {
    const map = entry[field];
    if (map && typeof map === 'object' && !Array.isArray(map)) {
      for (const [key, value] of Object.entries(map)) {
        // a non-string value is reported by the entry's validation
        if (typeof value === 'string') (map as Record<string, string>)[key] = resolve(`${field}.${key}`, value) as string;
      }
    }
  }

  const dto = plainToInstance(ServerEntryDto, entry);
  problems.push(...toFieldProblems(validateSync(dto, { whitelist: true })).map((p) => `${p.field}: ${p.reason}`));
  if (dto.command && dto.url) problems.push('command/url: give either command (stdio) or url (remote), not both');
  if (!dto.command && !dto.url) problems.push('command/url: one of command (stdio) or url (remote) is required');
  if (dto.type === 'stdio' && dto.url) problems.push('type: "stdio" needs a command, not a url');
  if (dto.type && dto.type !== 'stdio' && dto.command) problems.push(`type: "${dto.type}" needs a url, not a command`);
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
  };
  if (definition.retry.maxDelayMs < definition.retry.initialDelayMs) return { problems: ['retry.maxDelayMs: must not be less than retry.initialDelayMs'] };
  return { definition, problems: [] };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
