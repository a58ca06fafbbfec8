import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';

/** The server exists but is not connected right now; Retry-After says when asking again makes sense. */
export class UpstreamUnavailableError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'UPSTREAM_UNAVAILABLE';

  constructor(
    server: string,
    state: string,
    reason: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`MCP server "${server}" is ${state}: ${reason}`, { server, state, reason, retryAfterSeconds });
  }
}

/** The upstream answered with an error; its message is carried through. */
export class UpstreamError extends AppError {
  readonly status = HttpStatus.BAD_GATEWAY;
  readonly code = 'UPSTREAM_ERROR';

  constructor(server: string, upstreamMessage: string, upstreamCode?: number, upstreamData?: unknown) {
    super(`MCP server "${server}" answered with an error: ${upstreamMessage}`, { server, upstreamMessage, upstreamCode, ...(upstreamData !== undefined ? { upstreamData } : {}) });
  }
}

export class UpstreamTimeoutError extends AppError {
  readonly status = HttpStatus.GATEWAY_TIMEOUT;
  readonly code = 'UPSTREAM_TIMEOUT';

  constructor(server: string, timeoutMs: number) {
    super(`MCP server "${server}" did not answer within ${timeoutMs} ms`, { server, timeoutMs });
  }
}

/** The upstream's answer was larger than MCP_UPSTREAM_MAX_MESSAGE_BYTES; it was dropped, the connection stays. */
export class UpstreamResultTooLargeError extends AppError {
  readonly status = HttpStatus.BAD_GATEWAY;
  readonly code = 'UPSTREAM_RESULT_TOO_LARGE';

  constructor(server: string, bytes: number, limitBytes: number) {
    super(
      `MCP server "${server}" answered with ${bytes} bytes, over the limit of ${limitBytes} bytes (MCP_UPSTREAM_MAX_MESSAGE_BYTES); ask for less, or raise the limit`,
      { server, bytes, limitBytes },
    );
  }
}

/** A server with per-session isolation could not start a session (or process) of its own for this client. */
export class UpstreamSessionFailedError extends AppError {
  readonly status = HttpStatus.BAD_GATEWAY;
  readonly code = 'UPSTREAM_SESSION_FAILED';

  constructor(server: string, reason: string) {
    super(`MCP server "${server}" (isolation per-session) could not start a session for this client: ${reason}`, { server, reason });
  }
}

/** A server with per-session isolation already runs MCP_ISOLATED_SESSIONS_PER_SERVER sessions of its own. */
export class UpstreamSessionsFullError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'UPSTREAM_SESSIONS_FULL';

  constructor(
    server: string,
    limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`MCP server "${server}" (isolation per-session) already serves ${limit} client sessions (MCP_ISOLATED_SESSIONS_PER_SERVER); try again when one ends`, { server, limit, retryAfterSeconds });
  }
}
