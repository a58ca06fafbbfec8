import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';

/** The hub, or this client (API key or IP address), holds as many MCP sessions as it may; answered 503 with Retry-After. */
export class SessionLimitError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'MCP_SESSION_LIMIT';

  constructor(
    readonly limit: 'hub' | 'client',
    max: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `${limit === 'hub' ? 'The hub' : 'This client'} already holds ${max} open MCP sessions, the most allowed (${limit === 'hub' ? 'MCP_MAX_SESSIONS' : 'MCP_MAX_SESSIONS_PER_CLIENT'}); end sessions you no longer use (DELETE /mcp) or retry in ${retryAfterSeconds} s`,
      { limit, max, retryAfterSeconds },
    );
  }
}
