import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** 32 bytes as 64 hex digits, or as base64 (`openssl rand -base64 32`). */
export const SECRETS_KEY_PATTERN = /^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/;

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';

export class SecretDecryptionError extends Error {}

/**
 * AES-256-GCM for secret-bearing values stored in PostgreSQL. A sealed value names the key it was
 * sealed with (a short hash, never the key), so a wrong or missing key gets a clear message; the
 * `context` (e.g. the row's name) is authenticated, so a sealed value moved to another row fails.
 */
export class SecretCipher {
  private constructor(private readonly key?: Buffer) {}

  /** A cipher for SECRETS_ENCRYPTION_KEY; without a key, `enabled` is false and values stay plain. */
  static fromKey(key: string | undefined): SecretCipher {
    if (!key) return new SecretCipher();
    if (!SECRETS_KEY_PATTERN.test(key)) throw new Error('SECRETS_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or base64');
    const bytes = /^[0-9a-fA-F]{64}$/.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length !== 32) throw new Error('SECRETS_ENCRYPTION_KEY must decode to exactly 32 bytes');
    return new SecretCipher(bytes);
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(`${VERSION}.`) && value.split('.').length === 5;
  }

  seal(plaintext: string, context: string): string {
    if (!this.key) throw new Error('no SECRETS_ENCRYPTION_KEY is configured');
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || ciphertext === undefined) throw new SecretDecryptionError('not a value sealed by this hub');
    if (!this.key) throw new SecretDecryptionError(`it is encrypted (key ${keyId}) and SECRETS_ENCRYPTION_KEY is not set`);
    if (keyId !== this.keyId) throw new SecretDecryptionError(`it is encrypted with another key (${keyId}); SECRETS_ENCRYPTION_KEY is key ${this.keyId}`);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError('it does not decrypt (altered, or sealed for another record)');
    }
  }

  private get keyId(): string {
    return createHash('sha256').update('mcp-hub secrets key id\0').update(this.key!).digest('hex').slice(0, 8);
  }
}
