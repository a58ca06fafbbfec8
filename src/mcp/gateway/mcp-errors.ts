import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AppError } from '../../platform/errors/app-error';

/** Hub errors as MCP errors: bad input is InvalidParams, a slow upstream RequestTimeout, an upstream's own error keeps its code and message. */
export function toMcpError(error: unknown): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof AppError) {
    const details = (error.details ?? {}) as { upstreamCode?: number; upstreamMessage?: string };
    switch (error.code) {
      case 'VALIDATION_FAILED':
        return new McpError(ErrorCode.InvalidParams, error.message, error.details);
      case 'UPSTREAM_TIMEOUT':
        return new McpError(ErrorCode.RequestTimeout, error.message);
      case 'UPSTREAM_ERROR':
        return new McpError(details.upstreamCode ?? ErrorCode.InternalError, details.upstreamMessage ?? error.message);
      default:
        return new McpError(error.status === 404 ? ErrorCode.InvalidParams : ErrorCode.InternalError, error.message, error.details);
    }
  }
  return new McpError(ErrorCode.InternalError, error instanceof Error ? error.message : String(error));
}
