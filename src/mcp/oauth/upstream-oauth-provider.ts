import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { OAuthCredentialsStore, ServerCredentials } from './oauth-credentials.store';

export interface ProviderEvents {
  /** A new authorization is needed: a person must open this URL. */
  authorizationNeeded(server: string, url: string): void;
  /** Tokens were saved (after the code exchange or a refresh). */
  tokensSaved(server: string, expiresAt: Date | undefined): void;
}

/**
 * The MCP SDK's OAuth client side for one remote server, acting as the hub: discovery, dynamic client
 * registration, PKCE and refresh are the SDK's (client/auth.js); this class keeps what they produce in
 * OAuthCredentialsStore and, instead of opening a browser, reports the authorization URL.
 */
export class UpstreamOAuthProvider implements OAuthClientProvider {
  private cached?: Promise<ServerCredentials>;
  /** Updates one after another: each reads what the one before wrote. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    readonly server: string,
    readonly serverUrl: string,
    readonly redirectUrl: string,
    private readonly store: OAuthCredentialsStore,
    private readonly events: ProviderEvents,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP Hub',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  /** Random and single-use: the callback finds the server by it, and a forged callback matches nothing. */
  async state(): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    await this.update({}, state);
    return state;
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    return (await this.credentials()).clientInformation;
  }

  async saveClientInformation(clientInformation: OAuthClientInformationMixed): Promise<void> {
    await this.update({ clientInformation });
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    return (await this.credentials()).tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    const tokensExpireAt = tokens.expires_in ? new Date(Date.now() + tokens.expires_in * 1000) : undefined;
    await this.update({ tokens, tokensExpireAt, codeVerifier: undefined });
    this.events.tokensSaved(this.server, tokensExpireAt);
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.events.authorizationNeeded(this.server, authorizationUrl.toString());
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    await this.update({ codeVerifier });
  }

  async codeVerifier(): Promise<string> {
    const verifier = (await this.credentials()).codeVerifier;
    if (!verifier) throw new Error(`no authorization of ${this.server} is in progress; ask for a new URL (GET /api/servers/${this.server}/authorize)`);
    return verifier;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    const cleared: Partial<Record<keyof ServerCredentials, undefined>> =
      scope === 'all'
        ? { clientInformation: undefined, tokens: undefined, tokensExpireAt: undefined, codeVerifier: undefined, discoveryState: undefined }
        : scope === 'client'
          ? { clientInformation: undefined }
          : scope === 'tokens'
            ? { tokens: undefined, tokensExpireAt: undefined }
            : scope === 'verifier'
              ? { codeVerifier: undefined }
              : { discoveryState: undefined };
    await this.update(cleared);
  }

  async saveDiscoveryState(discoveryState: OAuthDiscoveryState): Promise<void> {
    await this.update({ discoveryState });
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.credentials()).discoveryState;
  }

  /** When the access token expires, if it says. */
  async tokensExpireAt(): Promise<Date | undefined> {
    return (await this.credentials()).tokensExpireAt;
  }

  private credentials(): Promise<ServerCredentials> {
    // a failed read (the database away a moment) is not kept: the next request reads again
    this.cached ??= this.store.load(this.server, this.serverUrl).catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  private update(patch: Partial<ServerCredentials>, pendingState?: string | null): Promise<void> {
    const write = this.writes.then(async () => {
      const next = { ...(await this.credentials()), ...patch };
      await this.store.save(this.server, this.serverUrl, next, pendingState);
      this.cached = Promise.resolve(next);
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}
