import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { ServerDefinition } from '../servers-config/server-definition';
import { OversizedMessage } from './bounded-line-reader';
import { BoundedStdioClientTransport } from './bounded-stdio-transport';

export type TransportKind = 'stdio' | 'streamable-http' | 'sse';

export interface TransportOptions {
  /** Largest message a stdio server may send; see BoundedLineReader. */
  maxMessageBytes: number;
  onOversized: (message: OversizedMessage) => void;
  /** Remote servers: answers a 401 with OAuth 2.1 (discovery, registration, PKCE, refresh). */
  authProvider?: OAuthClientProvider;
}

/** Which transports to try, in order: remote servers without a type try Streamable HTTP, then SSE. */
export function transportKinds(definition: ServerDefinition): TransportKind[] {
  const transport = definition.transport;
  if (transport.kind === 'stdio') return ['stdio'];
  return transport.type === 'auto' ? ['streamable-http', 'sse'] : [transport.type];
}

/**
 * An SDK client transport for one attempt. Stdio children get the SDK's safe default environment
 * (PATH, HOME, ...) plus the entry's env, never the hub's own secrets; their stderr is piped.
 */
export function createTransport(definition: ServerDefinition, kind: TransportKind, options: TransportOptions): Transport {
  const transport = definition.transport;
  if (transport.kind === 'stdio') {
    return new BoundedStdioClientTransport(
      { command: transport.command, args: transport.args, env: { ...getDefaultEnvironment(), ...transport.env }, cwd: transport.cwd, stderr: 'pipe' },
      options.maxMessageBytes,
      options.onOversized,
    );
  }
  const { url, headers } = withCredentialsAsHeader(new URL(transport.url), transport.headers);
  const requestInit = { headers };
  const authProvider = options.authProvider;
  if (kind === 'sse') return new SSEClientTransport(url, { requestInit, authProvider });
  return new StreamableHTTPClientTransport(url, { requestInit, authProvider });
}

/**
 * fetch refuses a URL with `user:pass@` (and its error quotes the URL, password and all): the
 * credentials go in an Authorization: Basic header instead, as curl sends them, unless one is given.
 */
export function withCredentialsAsHeader(url: URL, headers: Record<string, string>): { url: URL; headers: Record<string, string> } {
  if (!url.username && !url.password) return { url, headers };
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return { url: bare, headers };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { url: bare, headers: { ...headers, Authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` } };
}
