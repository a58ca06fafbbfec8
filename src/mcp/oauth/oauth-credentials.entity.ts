import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the hub holds to act for one remote server under OAuth 2.1. The secret fields (client
 * registration, tokens, PKCE verifier) are sealed with SECRETS_ENCRYPTION_KEY; nothing is stored without it.
 */
@Entity({ name: 'oauth_credentials' })
export class OAuthCredentials {
  @PrimaryColumn('text')
  serverName!: string;

  /** The server URL the credentials were obtained for: a changed URL starts over. */
  @Column('text')
  serverUrl!: string;

  @Column('text', { nullable: true })
  clientInformation!: string | null;

  @Column('text', { nullable: true })
  tokens!: string | null;

  @Column('timestamptz', { nullable: true })
  tokensExpireAt!: Date | null;

  @Column('text', { nullable: true })
  codeVerifier!: string | null;

  /** Where the authorization server and its metadata are (public information). */
  @Column('jsonb', { nullable: true })
  discoveryState!: Record<string, unknown> | null;

  /** The `state` of the authorization in progress; the callback finds the server by it. */
  @Column('text', { nullable: true })
  pendingState!: string | null;

  @Column('timestamptz')
  updatedAt!: Date;
}
