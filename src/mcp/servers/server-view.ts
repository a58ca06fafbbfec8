import { maskArgs, maskSecrets, maskUrl, maskValues } from '../../platform/secrets/secret-mask';
import { ServerDefinition } from '../servers-config/server-definition';
import { ServerStatus } from '../upstream/server-state';
import type { ReplicaServerState } from './replica-upstream-states';

/**
 * A definition safe to show: env and header values masked (they often hold tokens), credentials in
 * the URL (user info, token query parameters) and in arguments (`--token=...`, `--api-key VALUE`).
 */
export function maskedDefinition(definition: ServerDefinition): ServerDefinition {
  const transport = definition.transport;
  return {
    ...definition,
    ...(definition.problems ? { problems: definition.problems.map(maskSecrets) } : {}),
    transport:
      transport.kind === 'stdio'
        ? { ...transport, command: maskSecrets(transport.command), args: maskArgs(transport.args), env: maskValues(transport.env) }
        : { ...transport, url: maskUrl(transport.url), headers: maskValues(transport.headers) },
  };
}

export interface ServerView extends ServerStatus {
  source: ServerDefinition['source'];
  config: ServerDefinition;
  catalog: { tools: number; resources: number; resourceTemplates: number; prompts: number };
  /** In lists: its state on every live hub replica (each replica runs its own connection). */
  replicas?: ReplicaServerState[];
}
