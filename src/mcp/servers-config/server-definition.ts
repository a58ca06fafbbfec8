/** One upstream MCP server, normalised from the config file or the REST API, placeholders resolved. */
export interface ServerDefinition {
  name: string;
  source: 'file' | 'api';
  transport: StdioTransportConfig | RemoteTransportConfig;
  disabled: boolean;
  /** Why a file entry cannot run as written (it is then disabled); absent when it is valid. */
  problems?: string[];
  /** The servers file this entry comes from (the last one defining it). */
  configSource?: string;
  /** What mcp-hub clients show: the entry's `name` and `description` fields. */
  displayName?: string;
  description?: string;
  /** dev mode: restart this stdio server when files under `cwd` matching `watch` change. */
  dev?: { watch: string[]; cwd: string };
  /** shared: one connection serves every client session; per-session: each session gets its own upstream session or process. */
  isolation: 'shared' | 'per-session';
  dependsOn: string[];
  timeouts: { connectMs: number; requestMs: number };
  retry: RetryPolicy;
  healthCheck: { intervalMs: number; timeoutMs: number; failureThreshold: number };
}

export interface StdioTransportConfig {
  kind: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export type RemoteType = 'auto' | 'streamable-http' | 'sse';

export interface RemoteTransportConfig {
  kind: 'remote';
  url: string;
  headers: Record<string, string>;
  /** auto: Streamable HTTP first, SSE when that fails. */
  type: RemoteType;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

export const SERVER_DEFAULTS = {
  timeouts: { connectMs: 30_000, requestMs: 60_000 },
  retry: { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2 },
  healthCheck: { intervalMs: 30_000, timeoutMs: 5_000, failureThreshold: 3 },
} as const;

/** Stable JSON of a definition, for "did this entry change?" comparisons. */
export function definitionFingerprint(definition: ServerDefinition): string {
  return JSON.stringify(definition, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}
