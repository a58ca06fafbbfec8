import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AppError } from '../../platform/errors/app-error';

/**
 * An upstream's error as the upstream sent it. McpError prefixes its message with `MCP error <code>: `,
 * which the SDK puts on the wire; an error passed through unchanged must not gain one prefix per hop.
 */
export class UpstreamMcpError extends McpError {
  constructor(code: number, message: string, data?: unknown) {
    super(code, message, data);
    this.message = message;
  }
}

/** Hub errors as MCP errors: bad input is InvalidParams, a slow upstream RequestTimeout, an upstream's own error keeps its code, message and data. */
export function toMcpError(error: unknown): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof AppError) {
    const details = (error.details ?? {}) as { upstreamCode?: number; upstreamMessage?: string; upstreamData?: unknown };
    switch (error.code) {
      case 'VALIDATION_FAILED':
        return new McpError(ErrorCode.InvalidParams, error.message, error.details);
      case 'UPSTREAM_TIMEOUT':
        return new McpError(ErrorCode.RequestTimeout, error.message);
      case 'UPSTREAM_ERROR':
        return details.upstreamCode === undefined
          ? new McpError(ErrorCode.InternalError, error.message)
          : new UpstreamMcpError(details.upstreamCode, details.upstreamMessage ?? error.message, details.upstreamData);
      default:
        return new McpError(error.status === 404 ? ErrorCode.InvalidParams : ErrorCode.InternalError, error.message, error.details);
    }
  }
  return new McpError(ErrorCode.InternalError, error instanceof Error ? error.message : String(error));
}

/** The work's result; its failure as an MCP error. */
export async function orMcpError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw toMcpError(error);
  }
}
