import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { AppError } from '../../platform/errors/app-error';
import { describeError } from '../../platform/errors/describe-error';
import { maskSecrets } from '../../platform/secrets/secret-mask';
import { MessageTooLarge } from './bounded-line-reader';
import { UpstreamError, UpstreamResultTooLargeError, UpstreamTimeoutError } from './upstream.errors';

/** Turns what an SDK request threw into the hub's error: a timeout is 504, anything the upstream said is 502. */
export function toUpstreamError(server: string, timeoutMs: number, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) return new UpstreamTimeoutError(server, timeoutMs);
  if (error instanceof McpError && error.data instanceof MessageTooLarge) return new UpstreamResultTooLargeError(server, error.data.bytes, error.data.limitBytes);
  if (error instanceof McpError) return new UpstreamError(server, maskSecrets(wireMessage(error)), error.code, error.data);
  return new UpstreamError(server, maskSecrets(describeError(error)));
}

/** The message the peer sent: the SDK put one `MCP error <code>: ` before it on receipt. */
export function wireMessage(error: McpError): string {
  const prefix = `MCP error ${error.code}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** The SDK's request options, with the time limit always set. */
export type LimitedRequestOptions = RequestOptions & { timeout: number };

/** Runs one request against a connected upstream with a time limit, mapping failures to hub errors. */
export async function requestUpstream<T>(
  server: string,
  client: Client,
  timeoutMs: number,
  send: (client: Client, options: LimitedRequestOptions) => Promise<T>,
): Promise<T> {
  try {
    return await send(client, { timeout: timeoutMs });
  } catch (error) {
    throw toUpstreamError(server, timeoutMs, error);
  }
}
