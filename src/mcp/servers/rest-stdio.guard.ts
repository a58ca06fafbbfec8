import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../../platform/config/app-config';
import { ForbiddenError } from '../../platform/auth/auth.errors';

/** Fields that decide what process a stdio server runs (a changed `args` or `env` is as good as a new command). */
const PROCESS_FIELDS = ['command', 'args', 'env', 'cwd'];

/**
 * A stdio server is a command the hub runs, so adding or changing one over REST is code execution
 * for whoever can reach the port. Without API keys that takes an explicit ALLOW_REST_STDIO_SERVERS=true;
 * with AUTH_MODE=api-key the route's admin scope is the gate.
 */
@Injectable()
export class RestStdioGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { mode, allowRestStdioServers } = this.config.auth;
    if (mode !== 'none' || allowRestStdioServers) return true;
    const body = (context.switchToHttp().getRequest<Request>().body ?? {}) as Record<string, unknown>;
    if (PROCESS_FIELDS.every((field) => body[field] === undefined)) return true;
    throw new ForbiddenError(
      'STDIO_SERVERS_OVER_REST_DISABLED',
      'Adding a stdio server (a command the hub runs) over REST is off while AUTH_MODE=none: put it in the servers config file, ' +
        'set AUTH_MODE=api-key and use an admin key, or set ALLOW_REST_STDIO_SERVERS=true if only trusted users can reach the hub',
    );
  }
}
