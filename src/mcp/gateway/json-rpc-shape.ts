import type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isPlainObject } from '../../platform/plain-object';

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

/** An id the MCP schema accepts: a string, or an integer JSON numbers hold exactly. */
export const isValidRequestId = (id: unknown): id is RequestId => typeof id === 'string' || Number.isSafeInteger(id);

/** Why a message cannot be answered normally, as the JSON-RPC error to answer it with; `id` is null when the message has no usable id. */
export interface MessageProblem {
  id: RequestId | null;
  code: -32600 | -32602;
  message: string;
}

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const NOTIFICATION_KEYS = new Set(['jsonrpc', 'method', 'params']);
const RELATED_TASK = 'io.modelcontextprotocol/related-task';

/**
 * What the SDK's strict message schemas would reject — it then drops the message without a word, so
 * its sender would wait forever. Checks what every message has (envelope, keys, id, params and
 * `_meta`), not each method's params, which the handlers validate and answer for themselves.
 */
export function messageProblem(value: unknown): MessageProblem | undefined {
  if (!isPlainObject(value) || value.jsonrpc !== '2.0') return invalid(null, 'not a JSON-RPC 2.0 message object');
  if (typeof value.method === 'string') {
    const hasId = value.id !== undefined;
    if (hasId && !isValidRequestId(value.id)) return invalid(null, 'id must be a string or an integer between -(2^53 - 1) and 2^53 - 1');
    const id = hasId ? (value.id as RequestId) : null;
    const extra = Object.keys(value).find((key) => !(hasId ? REQUEST_KEYS : NOTIFICATION_KEYS).has(key));
    if (extra !== undefined) return invalid(id, `unknown member "${extra}"`);
    return paramsProblem(id, value.params);
  }
  if (value.method !== undefined) return invalid(null, 'method must be a string');
  if (!isValidRequestId(value.id)) return invalid(null, 'a response needs an id that is a string or an integer');
  return responseProblem(value);
}

function paramsProblem(id: RequestId | null, params: unknown): MessageProblem | undefined {
  if (params === undefined) return undefined;
  if (!isPlainObject(params)) return invalidParams(id, 'params must be an object');
  const meta = params._meta;
  if (meta === undefined) return undefined;
  if (!isPlainObject(meta)) return invalidParams(id, 'params._meta must be an object');
  if (meta.progressToken !== undefined && !isValidRequestId(meta.progressToken)) return invalidParams(id, 'params._meta.progressToken must be a string or an integer');
  const task = meta[RELATED_TASK];
  if (task !== undefined && !(isPlainObject(task) && typeof task.taskId === 'string')) return invalidParams(id, `params._meta["${RELATED_TASK}"].taskId must be a string`);
  return undefined;
}

function responseProblem(value: Record<string, unknown>): MessageProblem | undefined {
  const id = value.id as RequestId;
  const outcome = 'result' in value ? 'result' : 'error' in value ? 'error' : undefined;
  if (!outcome) return invalid(id, 'a message needs a method, a result or an error');
  const extra = Object.keys(value).find((key) => key !== 'jsonrpc' && key !== 'id' && key !== outcome);
  if (extra !== undefined) return invalid(id, `unknown member "${extra}"`);
  if (outcome === 'result') return isPlainObject(value.result) ? undefined : invalid(id, 'result must be an object');
  const error = value.error;
  if (!isPlainObject(error) || !Number.isSafeInteger(error.code) || typeof error.message !== 'string') return invalid(id, 'error must be an object with an integer code and a string message');
  return undefined;
}

const invalid = (id: RequestId | null, reason: string): MessageProblem => ({ id, code: -32600, message: `Invalid Request: ${reason}` });
const invalidParams = (id: RequestId | null, reason: string): MessageProblem => ({ id, code: -32602, message: `Invalid params: ${reason}` });

/** The problems of a POST body (one message or a batch); empty when every message is fine. */
export function bodyProblems(body: unknown): MessageProblem[] {
  if (!Array.isArray(body)) {
    const problem = messageProblem(body);
    return problem ? [problem] : [];
  }
  if (body.length === 0) return [invalid(null, 'an empty batch')];
  const problems = body.map((message) => messageProblem(message));
  const first = problems.findIndex((problem) => problem !== undefined);
  if (first < 0) return [];
  // the batch is refused whole, so its valid requests are answered too: their callers wait for their ids
  return body.flatMap((message, index) => {
    const problem = problems[index];
    if (problem) return [problem];
    const { id, method } = message as { id?: unknown; method?: unknown };
    return typeof method === 'string' && isValidRequestId(id) ? [invalid(id, `not processed, since message ${first} of its batch is invalid`)] : [];
  });
}
