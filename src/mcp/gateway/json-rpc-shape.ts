import type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * Cheap structural checks of JSON-RPC messages for the hot path. The SDK's `isJSONRPC*` guards run a
 * full schema parse of the message (result or params included); these look at the envelope only,
 * which is all the transports need to route a message. Params are checked where they are used.
 */
export function isJsonRpcEnvelope(value: unknown): value is JSONRPCMessage {
  if (!value || typeof value !== 'object') return false;
  const message = value as { jsonrpc?: unknown; method?: unknown; id?: unknown; result?: unknown; error?: unknown };
  if (message.jsonrpc !== '2.0') return false;
  const validId = typeof message.id === 'string' || typeof message.id === 'number';
  if (typeof message.method === 'string') return message.id === undefined || validId;
  return validId && (message.result !== undefined || message.error !== undefined);
}

/** For a message that passed isJsonRpcEnvelope (or that the hub built itself). */
export const isRequest = (message: JSONRPCMessage): message is JSONRPCRequest => 'method' in message && 'id' in message && message.id !== undefined;

export const isNotification = (message: JSONRPCMessage): message is JSONRPCNotification => 'method' in message && !('id' in message && message.id !== undefined);

/** The id a response answers; undefined for requests and notifications. */
export const responseIdOf = (message: JSONRPCMessage): RequestId | undefined => ('method' in message ? undefined : (message as { id?: RequestId }).id);
