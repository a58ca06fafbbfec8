import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { AppConfig } from '../../platform/config/app-config';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { describeError } from '../../platform/errors/describe-error';
import { ServerDefinition } from '../servers-config/server-definition';
import { withCredentialsAsHeader } from '../upstream/upstream-transport';
import { OAuthCredentialsStore } from './oauth-credentials.store';
import { UpstreamOAuthProvider } from './upstream-oauth-provider';

/** Refresh this long before the access token expires (a third of its life when that is shorter). */
const REFRESH_AHEAD_MS = 60_000;

/**
 * OAuth 2.1 for remote upstreams (MCP authorization): one provider per server for its transports, the
 * authorization URL each waiting server needs, the callback that finishes it, and refreshing tokens
 * before they expire (the transports also refresh on a 401).
 */
@Injectable()
export class UpstreamOAuth implements OnModuleDestroy {
  private readonly logger = new Logger('UpstreamOAuth');
  private readonly providers = new Map<string, UpstreamOAuthProvider>();
  private readonly pendingUrls = new Map<string, string>();
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<(server: string, url: string) => void>();
  readonly redirectUrl: string;

  constructor(
    config: AppConfig,
    private readonly store: OAuthCredentialsStore,
  ) {
    this.redirectUrl = `${config.oauth.publicUrl}/api/oauth/callback`;
  }

  onModuleDestroy(): void {
    for (const timer of this.refreshTimers.values()) clearTimeout(timer);
  }

  /** Called when a server needs a person to authorize it again (the connection turns `unauthorized`). */
  onAuthorizationNeeded(listener: (server: string, url: string) => void): void {
    this.listeners.add(listener);
  }

  /** The provider of a remote server's transports; stdio servers have none. */
  providerFor(definition: ServerDefinition): UpstreamOAuthProvider | undefined {
    if (definition.transport.kind !== 'remote') return undefined;
    const url = withCredentialsAsHeader(new URL(definition.transport.url), {}).url.toString();
    const current = this.providers.get(definition.name);
    if (current?.serverUrl === url) return current;
    const provider = new UpstreamOAuthProvider(definition.name, url, this.redirectUrl, this.store, {
      authorizationNeeded: (server, authorizationUrl) => this.authorizationNeeded(server, authorizationUrl),
      tokensSaved: (server, expiresAt) => this.scheduleRefresh(server, expiresAt),
    });
    this.providers.set(definition.name, provider);
    void provider.tokensExpireAt().then((expiresAt) => this.scheduleRefresh(definition.name, expiresAt), () => undefined);
    return provider;
  }

  /** The URL a person must open to authorize the server, while it waits for one. */
  pendingUrl(server: string): string | undefined {
    return this.pendingUrls.get(server);
  }

  /** The URL to authorize the server: the pending one, or a new authorization started now. */
  async authorize(definition: ServerDefinition): Promise<string> {
    const pending = this.pendingUrls.get(definition.name);
    if (pending) return pending;
    const provider = this.providerFor(definition);
    if (!provider) throw new ConflictError('NOT_A_REMOTE_SERVER', `${definition.name} is a stdio server; OAuth applies to remote (url) servers`, { server: definition.name });
    const result = await auth(provider, { serverUrl: provider.serverUrl });
    const url = this.pendingUrls.get(definition.name);
    if (result === 'AUTHORIZED' || !url) throw new ConflictError('ALREADY_AUTHORIZED', `${definition.name} holds valid tokens; nothing to authorize`, { server: definition.name });
    return url;
  }

  /** Finishes the authorization the callback's `state` belongs to: exchanges the code for tokens. Returns the server. */
  async finish(state: string, code: string): Promise<string> {
    const server = await this.store.serverForState(state);
    const provider = server ? this.providers.get(server) : undefined;
    if (!server || !provider) throw new NotFoundError('authorization', 'with this state', 'AUTHORIZATION_NOT_FOUND');
    try {
      await auth(provider, { serverUrl: provider.serverUrl, authorizationCode: code });
    } catch (error) {
      throw new ValidationFailedError([{ field: 'code', reason: `the authorization server refused it: ${describeError(error)}` }]);
    }
    await this.store.clearPendingState(server);
    this.pendingUrls.delete(server);
    this.logger.log(`${server} is authorized`);
    return server;
  }

  private authorizationNeeded(server: string, url: string): void {
    this.pendingUrls.set(server, url);
    clearTimeout(this.refreshTimers.get(server));
    this.logger.warn(`${server} needs authorization: open ${url}`);
    for (const listener of this.listeners) listener(server, url);
  }

  private scheduleRefresh(server: string, expiresAt: Date | undefined): void {
    clearTimeout(this.refreshTimers.get(server));
    if (!expiresAt) return;
    const left = expiresAt.getTime() - Date.now();
    const timer = setTimeout(() => void this.refresh(server), Math.max(0, left - Math.min(REFRESH_AHEAD_MS, left / 3)));
    timer.unref();
    this.refreshTimers.set(server, timer);
  }

  /** Refreshes ahead of expiry; a refused refresh token starts a new authorization (the SDK's flow). */
  private async refresh(server: string): Promise<void> {
    const provider = this.providers.get(server);
    if (!provider) return;
    try {
      await auth(provider, { serverUrl: provider.serverUrl });
    } catch (error) {
      this.logger.warn(`Refreshing the tokens of ${server} failed: ${describeError(error)}; the next request tries again`);
    }
  }
}
