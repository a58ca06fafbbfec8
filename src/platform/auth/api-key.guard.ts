import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { Scope } from './api-key.entity';
import { ApiKeysService, Principal } from './api-keys.service';
import { PROFILE_AWARE, PUBLIC_ROUTE, REQUIRED_SCOPE } from './auth.decorators';
import { ForbiddenError, RateLimitedError, UnauthenticatedError } from './auth.errors';
import { RateLimiter } from './rate-limiter';

export type AuthenticatedRequest = Request & { principal?: Principal };

function secretOf(req: Request): string | undefined {
  const authorization = req.header('authorization');
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  return req.header('x-api-key')?.trim() || undefined;
}

/**
 * With AUTH_MODE=api-key: every route but @Public ones needs a valid key with the route's scope,
 * within the per-key rate limit. The key's principal (scopes, profile) is put on the request.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeysService,
    private readonly reflector: Reflector,
  ) {
    this.limiter = new RateLimiter(config.auth.rateLimitPerMinute);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.config.auth.mode === 'none' || context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const secret = secretOf(req);
    if (!secret) throw new UnauthenticatedError();
    const principal = await this.keys.verify(secret);
    if (!principal) throw new UnauthenticatedError('The API key is not valid (unknown or deleted)');

    const required: Scope = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? (req.method === 'GET' ? 'read' : 'admin');
    const allowed = principal.scopes.includes('admin') || principal.scopes.includes(required);
    if (!allowed) throw new ForbiddenError('INSUFFICIENT_SCOPE', `This route needs the "${required}" scope; the key "${principal.name}" has ${principal.scopes.join(', ')}`);

    if (principal.profile && !this.reflector.getAllAndOverride<boolean>(PROFILE_AWARE, targets)) {
      throw new ForbiddenError('PROFILE_BOUND_KEY', `The key "${principal.name}" is bound to profile "${principal.profile}" and can only use MCP endpoints`);
    }

    const retryAfter = this.limiter.take(principal.keyId);
    if (retryAfter > 0) {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
      throw new RateLimitedError(retryAfter);
    }
    req.principal = principal;
    return true;
  }
}
