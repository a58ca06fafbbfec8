import { ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { dependencyProblems } from './dependency-graph';
import { ServerDefinition } from './server-definition';
import { brokenDefinition, toServerDefinition } from './server-entry';
import { Profile, parseProfiles } from './profile';
import { PlaceholderContext, placeholderCommands } from './placeholders';
import { isPlainObject } from '../../platform/plain-object';

/** A problem with a file as a whole (syntax, shape, dependency graph, profiles): the file is not applied. */
export class ServersConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ServersConfigError';
  }
}

/** The raw server entries and profiles of one or more files, later files overriding earlier ones by name. */
export interface ServersDocument {
  entries: Map<string, unknown>;
  profiles: Record<string, unknown>;
  /** The file each entry comes from, when read from a file. */
  sources: Map<string, string>;
}

/** Line and column (1-based) of a character offset, for parse errors users can find. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Reads one file: `{"mcpServers": {...}}` as desktop clients and mcp-hub write it, or VS Code's
 * `{"servers": {...}}` (both may appear; `mcpServers` wins a name in both), plus `profiles`. Comments
 * and trailing commas are allowed. Throws ServersConfigError naming each problem with its position.
 */
export function readServersDocument(text: string, path?: string): ServersDocument {
  const parseErrors: ParseError[] = [];
  const document = parse(text, parseErrors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (parseErrors.length > 0) {
    throw new ServersConfigError(parseErrors.map((e) => `syntax: ${printParseErrorCode(e.error)} at ${position(text, e.offset)}`));
  }
  if (!isPlainObject(document)) throw new ServersConfigError(['the file must hold a JSON object with "mcpServers" (or VS Code\'s "servers")']);
  const { mcpServers, servers, profiles } = document;
  if (mcpServers === undefined && servers === undefined) throw new ServersConfigError(['"mcpServers" (or VS Code\'s "servers") is missing']);
  for (const [key, value] of [['mcpServers', mcpServers], ['servers', servers]] as const) {
    if (value !== undefined && !isPlainObject(value)) throw new ServersConfigError([`"${key}" must be an object of name → server`]);
  }
  if (profiles !== undefined && !isPlainObject(profiles)) throw new ServersConfigError(['profiles: must be an object of name → {servers, tools}']);
  const entries = new Map(Object.entries({ ...(servers as object | undefined), ...(mcpServers as object | undefined) }));
  return { entries, profiles: { ...profiles }, sources: new Map(path ? [...entries.keys()].map((name) => [name, path]) : []) };
}

/** Several files as one: a server or profile in a later file replaces the earlier one of that name. */
export function mergeDocuments(documents: ServersDocument[]): ServersDocument {
  const merged: ServersDocument = { entries: new Map(), profiles: {}, sources: new Map() };
  for (const document of documents) {
    for (const [name, entry] of document.entries) {
      merged.entries.set(name, entry);
      const source = document.sources.get(name);
      if (source) merged.sources.set(name, source);
      else merged.sources.delete(name);
    }
    Object.assign(merged.profiles, document.profiles);
  }
  return merged;
}

/** The `${cmd: ...}` commands of the entries that will run (disabled entries' commands are not run). */
export function commandsToRun(document: ServersDocument): Set<string> {
  const commands = new Set<string>();
  for (const entry of document.entries.values()) {
    if (!isPlainObject(entry) || entry.disabled === true) continue;
    // only the fields whose placeholders are resolved: a command in a description or a misspelt field never runs
    for (const field of RESOLVED_FIELDS) placeholderCommands(entry[field], commands);
    if (isPlainObject(entry.dev)) placeholderCommands(entry.dev.cwd, commands);
  }
  return commands;
}

const RESOLVED_FIELDS = ['command', 'args', 'env', 'cwd', 'url', 'headers'] as const;

export interface ServersConfig {
  /** Every entry with a valid name; one that cannot run as written is disabled with its problems. */
  servers: ServerDefinition[];
  profiles: Profile[];
  /** Problems of single entries, each prefixed "mcpServers.<name>."; the rest of the file runs. */
  serverProblems: string[];
}

/**
 * Turns the document into definitions. A problem in one entry (unset variable, failed or disallowed
 * `${cmd:}`, unknown or invalid field) disables only that entry; problems of the whole (dependency
 * graph, profiles) throw ServersConfigError.
 */
export function toServersConfig(document: ServersDocument, placeholders: PlaceholderContext): ServersConfig {
  const serverProblems: string[] = [];
  const definitions: ServerDefinition[] = [];
  for (const [name, raw] of document.entries) {
    const result = toServerDefinition(name, raw, 'file', placeholders);
    serverProblems.push(...result.problems.map((p) => `mcpServers.${name}.${p}`));
    const definition = result.definition ?? (result.problems.some((p) => p.startsWith('name: ')) ? undefined : brokenDefinition(name, raw, result.problems));
    const configSource = document.sources.get(name);
    if (definition) definitions.push(configSource ? { ...definition, configSource } : definition);
  }
  const problems = dependencyProblems(definitions);
  const { profiles, problems: profileProblems } = parseProfiles(document.profiles);
  problems.push(...profileProblems);
  if (problems.length > 0) throw new ServersConfigError(problems);
  return { servers: definitions, profiles, serverProblems };
}

/** One file, read and turned into definitions (commands already run into `placeholders.commands`). */
export function parseServersFile(text: string, placeholders: PlaceholderContext): ServersConfig {
  return toServersConfig(readServersDocument(text), placeholders);
}
