import { ServerDefinition } from '../servers-config/server-definition';
import { ServerStatus } from '../upstream/server-state';

export const MASK = '********';

/** A definition safe to show: env and header values masked (they often hold tokens). */
export function maskedDefinition(definition: ServerDefinition): ServerDefinition {
  const transport = definition.transport;
  const mask = (map: Record<string, string>) => Object.fromEntries(Object.keys(map).map((key) => [key, MASK]));
  return {
    ...definition,
    transport: transport.kind === 'stdio' ? { ...transport, env: mask(transport.env) } : { ...transport, headers: mask(transport.headers) },
  };
}

export interface ServerView extends ServerStatus {
  source: ServerDefinition['source'];
  config: ServerDefinition;
  catalog: { tools: number; resources: number; resourceTemplates: number; prompts: number };
}
