import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * What the hub's shared connection to an upstream says its client can do: everything an MCP client
 * may be asked, since any client session may be the one asked. A session whose client cannot is
 * answered for with an error naming the capability.
 */
export const SHARED_CLIENT_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };

/** The upstream's request to its client (sampling, elicitation, roots), answered by a client session. */
export type ServerRequestHandler = (request: ServerRequest, signal: AbortSignal) => Promise<Record<string, unknown>>;

/**
 * Lets the upstream ask its client: sampling/createMessage, elicitation/create and roots/list go to
 * `handler`, each only when the client declares the capability (the SDK refuses a handler otherwise,
 * and the upstream then gets -32601 as from any client without it).
 */
export function answerServerRequests(client: Client, capabilities: ClientCapabilities, handler: ServerRequestHandler): void {
  if (capabilities.sampling) client.setRequestHandler(CreateMessageRequestSchema, (request, extra) => handler(request, extra.signal) as never);
  if (capabilities.elicitation) client.setRequestHandler(ElicitRequestSchema, (request, extra) => handler(request, extra.signal) as never);
  if (capabilities.roots) client.setRequestHandler(ListRootsRequestSchema, (request, extra) => handler(request, extra.signal) as never);
}
