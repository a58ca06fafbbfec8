import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../config/app-config';
import { Scope } from './api-key.entity';
import { ApiKeysService, Principal } from './api-keys.service';
import { ForbiddenError, RateLimitedError, UnauthenticatedError } from './auth.errors';
import { RateLimiter } from './rate-limiter';

export interface AccessRule {
  scope: Scope;
  /** Keys bound to a profile may use it (the MCP endpoints); other routes refuse them. */
  profileAware: boolean;
}

function secretOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  const apiKey = headers['x-api-key'];
  return (typeof apiKey === 'string' && apiKey.trim()) || undefined;
}

/**
 * With AUTH_MODE=api-key: the request's key must be valid, carry the needed scope (or admin), suit
 * the route's profile rule, and be within its per-minute rate limit. Shared by the REST guard and
 * the MCP endpoints, which are served outside Nest's routing.
 */
@Injectable()
export class ApiKeyAuthorizer {
  private readonly limiter: RateLimiter;
  /** Failed key lookups per client address: guessing keys must not cost a database query each time. */
  private readonly failures: RateLimiter;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeysService,
  ) {
    this.limiter = new RateLimiter(config.auth.rateLimitPerMinute);
    this.failures = new RateLimiter(config.auth.failuresPerMinute);
  }

  get enabled(): boolean {
    return this.config.auth.mode !== 'none';
  }

  /**
   * The key's principal; throws 401, 403 or 429 (RateLimitedError carries Retry-After). `client` is
   * the caller's address: after too many unknown keys from it, it gets 429 without a lookup.
   */
  async authorize(headers: IncomingHttpHeaders, rule: AccessRule, client = 'unknown'): Promise<Principal> {
    const secret = secretOf(headers);
    if (!secret) throw new UnauthenticatedError();
    // a key that could be real is still looked up: users behind one proxy share an address with a guesser
    const blockedFor = this.keys.cached(secret) || (await this.keys.hasKnownPrefix(secret)) ? 0 : this.failures.check(client);
    if (blockedFor > 0) throw new RateLimitedError(blockedFor, `Too many invalid API keys from ${client}; retry in ${blockedFor} s`);
    const principal = await this.keys.verify(secret);
    if (!principal) {
      this.failures.take(client);
      throw new UnauthenticatedError('The API key is not valid (unknown or deleted)');
    }

    const allowed = principal.scopes.includes('admin') || principal.scopes.includes(rule.scope);
    if (!allowed) throw new ForbiddenError('INSUFFICIENT_SCOPE', `This route needs the "${rule.scope}" scope; the key "${principal.name}" has ${principal.scopes.join(', ')}`);
    if (principal.profile && !rule.profileAware) {
      throw new ForbiddenError('PROFILE_BOUND_KEY', `The key "${principal.name}" is bound to profile "${principal.profile}" and can only use MCP endpoints`);
    }
    const retryAfter = this.limiter.take(principal.keyId);
    if (retryAfter > 0) throw new RateLimitedError(retryAfter);
    return principal;
  }
}
