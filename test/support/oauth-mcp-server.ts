import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { getOAuthProtectedResourceMetadataUrl, mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidGrantError, InvalidRequestError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthorizationParams, OAuthServerProvider } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { freePort } from './free-port';

const token = () => randomBytes(24).toString('base64url');

/**
 * A real OAuth 2.1 authorization server (the MCP SDK's auth router: metadata, dynamic registration,
 * authorize with PKCE, token with refresh) that approves every authorization at once, for tests.
 * Knobs: the access token lifetime, revoking refresh tokens, expiring access tokens.
 */
export class TestAuthorizationServer implements OAuthServerProvider {
  private readonly clients = new Map<string, OAuthClientInformationFull>();
  private readonly codes = new Map<string, { clientId: string; params: AuthorizationParams }>();
  readonly accessTokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, string>();
  accessTokenSeconds = 3600;
  registrations = 0;
  refreshes = 0;
  /** The `resource` of each token request (RFC 8707 indicators). */
  readonly resources: (string | undefined)[] = [];

  get clientsStore(): OAuthRegisteredClientsStore {
    return {
      getClient: (id) => this.clients.get(id),
      registerClient: (client) => {
        const full = { ...client, client_id: `client-${++this.registrations}`, client_id_issued_at: Math.floor(Date.now() / 1000) } as OAuthClientInformationFull;
        this.clients.set(full.client_id, full);
        return full;
      },
    };
  }

  async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: express.Response): Promise<void> {
    const code = token();
    this.codes.set(code, { clientId: client.client_id, params });
    const target = new URL(params.redirectUri);
    target.searchParams.set('code', code);
    if (params.state) target.searchParams.set('state', params.state);
    res.redirect(302, target.toString());
  }

  async challengeForAuthorizationCode(_client: OAuthClientInformationFull, code: string): Promise<string> {
    const entry = this.codes.get(code);
    if (!entry) throw new InvalidGrantError('unknown authorization code');
    return entry.params.codeChallenge;
  }

  async exchangeAuthorizationCode(client: OAuthClientInformationFull, code: string, _verifier?: string, _redirectUri?: string, resource?: URL): Promise<OAuthTokens> {
    const entry = this.codes.get(code);
    if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError('unknown authorization code');
    this.codes.delete(code);
    this.resources.push(resource?.toString());
    return this.issue(client.client_id);
  }

  async exchangeRefreshToken(client: OAuthClientInformationFull, refreshToken: string, _scopes?: string[], resource?: URL): Promise<OAuthTokens> {
    if (this.refreshTokens.get(refreshToken) !== client.client_id) throw new InvalidGrantError('refresh token revoked or unknown');
    this.refreshTokens.delete(refreshToken);
    this.refreshes++;
    this.resources.push(resource?.toString());
    return this.issue(client.client_id);
  }

  async verifyAccessToken(accessToken: string): Promise<AuthInfo> {
    const entry = this.accessTokens.get(accessToken);
    if (!entry || entry.expiresAt <= Date.now()) throw new InvalidTokenError('access token expired or unknown');
    return { token: accessToken, clientId: entry.clientId, scopes: [], expiresAt: Math.floor(entry.expiresAt / 1000) };
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  expireAccessTokens(): void {
    for (const entry of this.accessTokens.values()) entry.expiresAt = 0;
  }

  private issue(clientId: string): OAuthTokens {
    const access = token();
    const refresh = token();
    this.accessTokens.set(access, { clientId, expiresAt: Date.now() + this.accessTokenSeconds * 1000 });
    this.refreshTokens.set(refresh, clientId);
    return { access_token: access, token_type: 'Bearer', expires_in: this.accessTokenSeconds, refresh_token: refresh };
  }
}

/** A Streamable HTTP MCP server at /mcp that demands a bearer token from its own authorization server. */
export class OAuthProtectedMcpServer {
  private constructor(
    private readonly http: HttpServer,
    readonly port: number,
    readonly authorization: TestAuthorizationServer,
    /** Successful tool calls, for telling a failed call from none. */
    readonly calls: string[],
  ) {}

  static async start(): Promise<OAuthProtectedMcpServer> {
    const port = await freePort();
    const base = new URL(`http://127.0.0.1:${port}`);
    const mcpUrl = new URL('/mcp', base);
    const authorization = new TestAuthorizationServer();
    const calls: string[] = [];
    const app = express();
    app.use(mcpAuthRouter({ provider: authorization, issuerUrl: base, resourceServerUrl: mcpUrl }));
    app.use('/mcp', express.json(), requireBearerAuth({ verifier: authorization, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl) }));
    app.post('/mcp', async (req, res) => {
      const server = new McpServer({ name: 'secure', version: '1.0.0' });
      server.registerTool('whoami', { description: 'Which OAuth client the call came with' }, async (extra) => {
        calls.push(extra.authInfo?.clientId ?? 'none');
        return { content: [{ type: 'text', text: `client ${extra.authInfo?.clientId}` }] };
      });
      // stateless: every request gets its own server, so tokens are checked on each
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close());
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    });
    app.get('/mcp', (_req, res) => res.status(405).end());
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error instanceof InvalidRequestError ? 400 : 500).json({ error: error.message });
    });
    const http = await new Promise<HttpServer>((resolve) => {
      const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
    });
    return new OAuthProtectedMcpServer(http, port, authorization, calls);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}
