import { Catch } from '@nestjs/common';
import { AppExceptionFilter } from '../../platform/errors/app-exception.filter';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';

/**
 * Errors of the mcp-hub routes carry mcp-hub's fields (`error`, `code`, `data`, `timestamp`) beside the
 * hub's own, so scripts that read either find theirs. The status is the hub's (404 for an unknown
 * server, 400 for a bad body), where mcp-hub answers most failures with 500.
 */
@Catch()
export class McpHubErrorFilter extends AppExceptionFilter {
  protected override render(body: ErrorResponseDto): object {
    const fields = new Set(Array.isArray(body.details) ? body.details.map((d) => (d as { field?: unknown }).field) : []);
    // mcp-hub names the one field at fault, as in {"field": "server_name"}
    const field = fields.size === 1 ? [...fields][0] : undefined;
    const data = { ...(field ? { field } : {}), ...(body.details !== undefined ? { details: body.details } : {}) };
    return { error: body.message, ...body, data, timestamp: new Date().toISOString() };
  }
}
