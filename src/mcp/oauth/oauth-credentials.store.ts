import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import { Repository } from 'typeorm';
import { AppError } from '../../platform/errors/app-error';
import { Logger } from '@nestjs/common';
import { SecretCipher, SecretDecryptionError } from '../../platform/secrets/secret-cipher';
import { OAuthCredentials } from './oauth-credentials.entity';

/** One server's OAuth state, decrypted. */
export interface ServerCredentials {
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  tokensExpireAt?: Date;
  codeVerifier?: string;
  discoveryState?: OAuthDiscoveryState;
}

export class OAuthStorageUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'OAUTH_NEEDS_ENCRYPTION_KEY';
  constructor(server: string) {
    super(`${server} asks for OAuth authorization; its tokens are stored only encrypted: set SECRETS_ENCRYPTION_KEY (openssl rand -base64 32) and restart the hub`);
  }
}

type SealedField = 'clientInformation' | 'tokens' | 'codeVerifier';

/**
 * oauth_credentials in PostgreSQL, each secret field sealed with SECRETS_ENCRYPTION_KEY (bound to the
 * server and field, so a value copied elsewhere does not open). Refuses to store anything without the
 * key. Credentials obtained for another URL of the server are ignored.
 */
@Injectable()
export class OAuthCredentialsStore {
  private readonly logger = new Logger('OAuthCredentials');

  constructor(
    @InjectRepository(OAuthCredentials) private readonly rows: Repository<OAuthCredentials>,
    private readonly cipher: SecretCipher,
  ) {}

  async load(server: string, serverUrl: string): Promise<ServerCredentials> {
    const row = await this.rows.findOneBy({ serverName: server });
    if (!row || row.serverUrl !== serverUrl || !this.cipher.enabled) return {};
    try {
      return this.decode(server, row);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      // another key, or an altered row: start over with a new authorization rather than fail every request
      this.logger.warn(`The OAuth credentials of ${server} do not open (${error.message}); they are ignored until the server is authorized again`);
      return {};
    }
  }

  private decode(server: string, row: OAuthCredentials): ServerCredentials {
    const open = <T>(field: SealedField): T | undefined => {
      const sealed = row[field];
      return sealed ? (JSON.parse(this.cipher.open(sealed, `oauth:${server}:${field}`)) as T) : undefined;
    };
    return {
      clientInformation: open('clientInformation'),
      tokens: open('tokens'),
      tokensExpireAt: row.tokensExpireAt ?? undefined,
      codeVerifier: open('codeVerifier'),
      discoveryState: (row.discoveryState as OAuthDiscoveryState | null) ?? undefined,
    };
  }

  /** Writes the whole state of the server (undefined fields are cleared), and the pending authorization's `state`. */
  async save(server: string, serverUrl: string, credentials: ServerCredentials, pendingState?: string | null): Promise<void> {
    if (!this.cipher.enabled) throw new OAuthStorageUnavailableError(server);
    const seal = (field: SealedField) => {
      const value = credentials[field];
      return value === undefined ? null : this.cipher.seal(JSON.stringify(value), `oauth:${server}:${field}`);
    };
    await this.rows.save({
      serverName: server,
      serverUrl,
      clientInformation: seal('clientInformation'),
      tokens: seal('tokens'),
      tokensExpireAt: credentials.tokensExpireAt ?? null,
      codeVerifier: seal('codeVerifier'),
      discoveryState: (credentials.discoveryState as Record<string, unknown> | undefined) ?? null,
      ...(pendingState !== undefined ? { pendingState } : {}),
      updatedAt: new Date(),
    });
  }

  async delete(server: string): Promise<void> {
    await this.rows.delete({ serverName: server });
  }

  /**
   * The server whose authorization waits for this `state`, the state used up in the same statement: a
   * second callback with it (a replay, a double click) finds nothing. Only a state younger than `maxAgeMs`.
   */
  async takePendingState(state: string, maxAgeMs: number): Promise<string | undefined> {
    const [rows] = (await this.rows.query(
      `UPDATE mcp_hub.oauth_credentials SET pending_state = NULL WHERE pending_state = $1 AND updated_at > now() - make_interval(secs => $2) RETURNING server_name`,
      [state, maxAgeMs / 1000],
    )) as [{ server_name: string }[], number];
    return rows[0]?.server_name;
  }
}
