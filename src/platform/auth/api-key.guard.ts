import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Scope } from './api-key.entity';
import type { Principal } from './api-keys.service';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './auth.decorators';
import { RateLimitedError } from './auth.errors';
import { ApiKeyAuthorizer } from './api-key-authorizer';

export type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * With AUTH_MODE=api-key: every route but @Public ones needs a valid key with the route's scope,
 * within the per-key rate limit; keys bound to a profile are refused (they are for the MCP endpoints).
 * The key's principal (scopes, profile) is put on the request.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly authorizer: ApiKeyAuthorizer,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.authorizer.enabled || context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const scope: Scope = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? (req.method === 'GET' ? 'read' : 'admin');
    try {
      req.principal = await this.authorizer.authorize(req.headers, { scope, profileAware: false }, req.socket.remoteAddress);
    } catch (error) {
      if (error instanceof RateLimitedError) context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
    return true;
  }
}
