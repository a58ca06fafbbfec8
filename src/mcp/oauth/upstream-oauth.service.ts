import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { AppConfig } from '../../platform/config/app-config';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { describeError } from '../../platform/errors/describe-error';
import { ServerDefinition } from '../servers-config/server-definition';
import { withCredentialsAsHeader } from '../upstream/upstream-transport';
import { OAuthCredentialsStore } from './oauth-credentials.store';
import { KeyedSerialQueue } from '../../platform/keyed-serial-queue';
import { UpstreamOAuthProvider } from './upstream-oauth-provider';

/** Refresh this long before the access token expires (a third of its life when that is shorter). */
const REFRESH_AHEAD_MS = 60_000;
/** setTimeout fires at once beyond this (2^31 - 1 ms, about 24.8 days): longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647;
/** An authorization URL not used within this long is refused at the callback; ask for a new one. */
const AUTHORIZATION_TTL_MS = 10 * 60_000;

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
  /** authorize, finish and refresh of one server run one at a time (each may rewrite its credentials). */
  private readonly flows = new KeyedSerialQueue();
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
    // a server given its own Authorization header is not the hub's to authorize: a 401 there is a failure
    if (Object.keys(definition.transport.headers).some((name) => name.toLowerCase() === 'authorization')) return undefined;
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

  /** A server left the configuration: its tokens go too (one added later under its name starts over). */
  async forget(server: string): Promise<void> {
    clearTimeout(this.refreshTimers.get(server));
    this.refreshTimers.delete(server);
    this.providers.delete(server);
    this.pendingUrls.delete(server);
    await this.flows.run(server, () => this.store.delete(server));
  }

  /** The URL a person must open to authorize the server, while it waits for one. */
  pendingUrl(server: string): string | undefined {
    return this.pendingUrls.get(server);
  }

  /** The URL to authorize the server: the pending one, or a new authorization started now. */
  async authorize(definition: ServerDefinition): Promise<string> {
    const server = definition.name;
    return this.flows.run(server, async () => {
      const pending = this.pendingUrls.get(server);
      if (pending) return pending;
      const provider = this.providerFor(definition);
      if (!provider) throw new ConflictError('NOT_OAUTH_SERVER', `${server} is not authorized with OAuth by the hub (a stdio server, or one given its own Authorization header)`, { server });
      if (await provider.tokens()) throw new ConflictError('ALREADY_AUTHORIZED', `${server} holds tokens already; it asks again by itself when they stop working`, { server });
      await auth(provider, { serverUrl: provider.serverUrl });
      const url = this.pendingUrls.get(server);
      if (!url) throw new ConflictError('ALREADY_AUTHORIZED', `${server} needs no authorization`, { server });
      return url;
    });
  }

  /** Finishes the authorization the callback's `state` belongs to: exchanges the code for tokens. Returns the server. */
  async finish(state: string, code: string): Promise<string> {
    // used up before the exchange: a second callback with the same state finds nothing
    const server = await this.store.takePendingState(state, AUTHORIZATION_TTL_MS);
    const provider = server ? this.providers.get(server) : undefined;
    if (!server || !provider) throw new NotFoundError('authorization', 'for this state (used already, older than 10 minutes, or never asked for)', 'AUTHORIZATION_NOT_FOUND');
    return this.flows.run(server, async () => {
      this.pendingUrls.delete(server);
      try {
        await auth(provider, { serverUrl: provider.serverUrl, authorizationCode: code });
      } catch (error) {
        throw new ValidationFailedError([{ field: 'code', reason: `the authorization server refused it: ${describeError(error)}; ask for a new URL` }]);
      }
      this.logger.log(`${server} is authorized`);
      return server;
    });
  }

  private authorizationNeeded(server: string, url: string): void {
    this.pendingUrls.set(server, url);
    clearTimeout(this.refreshTimers.get(server));
    this.logger.warn(`${server} needs authorization: run \`mcp-hub servers authorize ${server}\` (or GET /api/servers/${server}/authorize) and approve in a browser`);
    for (const listener of this.listeners) listener(server, url);
  }

  private scheduleRefresh(server: string, expiresAt: Date | undefined): void {
    clearTimeout(this.refreshTimers.get(server));
    if (!expiresAt) return;
    const left = expiresAt.getTime() - Date.now();
    const wait = Math.max(0, left - Math.min(REFRESH_AHEAD_MS, left / 3));
    const timer = wait > MAX_TIMER_MS ? setTimeout(() => this.scheduleRefresh(server, expiresAt), MAX_TIMER_MS) : setTimeout(() => void this.refresh(server), wait);
    timer.unref();
    this.refreshTimers.set(server, timer);
  }

  /** Refreshes ahead of expiry; a refused refresh token starts a new authorization (the SDK's flow). */
  private refresh(server: string): Promise<void> {
    return this.flows.run(server, async () => {
      const provider = this.providers.get(server);
      // waiting for a person: a refresh would replace the URL they are about to open
      if (!provider || this.pendingUrls.has(server)) return;
      try {
        await auth(provider, { serverUrl: provider.serverUrl });
      } catch (error) {
        this.logger.warn(`Refreshing the tokens of ${server} failed: ${describeError(error)}; the next request tries again`);
      }
    });
  }
}
