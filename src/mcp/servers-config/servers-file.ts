import { ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { dependencyProblems } from './dependency-graph';
import { ServerDefinition } from './server-definition';
import { toServerDefinition } from './server-entry';
import { Profile, parseProfiles } from './profile';

export class ServersConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ServersConfigError';
  }
}

/** Line and column (1-based) of a character offset, for parse errors users can find. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Parses a `{"mcpServers": {...}, "profiles": {...}}` file (comments and trailing commas allowed). Throws
 * ServersConfigError listing every problem, each naming server and field, when anything is wrong.
 */
export function parseServersFile(text: string, env: NodeJS.ProcessEnv): { servers: ServerDefinition[]; profiles: Profile[] } {
  const parseErrors: ParseError[] = [];
  const document = parse(text, parseErrors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (parseErrors.length > 0) {
    throw new ServersConfigError(parseErrors.map((e) => `syntax: ${printParseErrorCode(e.error)} at ${position(text, e.offset)}`));
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw new ServersConfigError(['the file must hold a JSON object with "mcpServers"']);
  const servers = (document as { mcpServers?: unknown }).mcpServers;
  if (servers === undefined) throw new ServersConfigError(['"mcpServers" is missing']);
  if (!servers || typeof servers !== 'object' || Array.isArray(servers)) throw new ServersConfigError(['"mcpServers" must be an object of name → server']);

  const problems: string[] = [];
  const definitions: ServerDefinition[] = [];
  for (const [name, raw] of Object.entries(servers)) {
    const result = toServerDefinition(name, raw, 'file', env);
    problems.push(...result.problems.map((p) => `mcpServers.${name}.${p}`));
    if (result.definition) definitions.push(result.definition);
  }
  problems.push(...dependencyProblems(definitions));
  const { profiles, problems: profileProblems } = parseProfiles((document as { profiles?: unknown }).profiles);
  problems.push(...profileProblems);
  if (problems.length > 0) throw new ServersConfigError(problems);
  return { servers: definitions, profiles };
}
