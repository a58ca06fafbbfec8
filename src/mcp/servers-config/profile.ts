import picomatch from 'picomatch';
import { SERVER_NAME_PATTERN } from './server-entry.dto';

/** A named subset of the hub: some servers, and of their tools those matching include and not exclude. */
export interface Profile {
  name: string;
  servers: string[];
  include: string[];
  exclude: string[];
}

/** Decides what a profile lets through; tool globs match the exposed name (`<server>__<tool>`). */
export class ProfileFilter {
  private readonly servers: Set<string>;
  private readonly included: (name: string) => boolean;
  private readonly excluded: (name: string) => boolean;

  constructor(readonly profile: Profile) {
    this.servers = new Set(profile.servers);
    this.included = picomatch(profile.include.length ? profile.include : ['*']);
    this.excluded = profile.exclude.length ? picomatch(profile.exclude) : () => false;
  }

  allowsServer(server: string): boolean {
    return this.servers.has(server);
  }

  allowsTool(server: string, exposedName: string): boolean {
    return this.allowsServer(server) && this.included(exposedName) && !this.excluded(exposedName);
  }
}

/** Reads the optional top-level `profiles` object of the servers file; problems name profile and field. */
export function parseProfiles(raw: unknown): { profiles: Profile[]; problems: string[] } {
  if (raw === undefined) return { profiles: [], problems: [] };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { profiles: [], problems: ['profiles: must be an object of name → {servers, tools}'] };
  const profiles: Profile[] = [];
  const problems: string[] = [];
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0);
  for (const [name, entry] of Object.entries(raw)) {
    const where = `profiles.${name}`;
    if (!SERVER_NAME_PATTERN.test(name)) problems.push(`${where}: the name must be letters, digits, "_" and "-"`);
    const value = (entry ?? {}) as { servers?: unknown; tools?: { include?: unknown; exclude?: unknown } };
    if (!strings(value.servers) || (value.servers as string[]).length === 0) problems.push(`${where}.servers: must be a non-empty list of server names`);
    const include = value.tools?.include ?? ['*'];
    const exclude = value.tools?.exclude ?? [];
    if (!strings(include)) problems.push(`${where}.tools.include: must be a list of glob patterns such as "github__*"`);
    if (!strings(exclude)) problems.push(`${where}.tools.exclude: must be a list of glob patterns such as "*__delete_*"`);
    if (problems.some((p) => p.startsWith(where))) continue;
    profiles.push({ name, servers: value.servers as string[], include: include as string[], exclude: exclude as string[] });
  }
  return { profiles, problems };
}
