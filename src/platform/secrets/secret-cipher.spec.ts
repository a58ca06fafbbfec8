import { randomBytes } from 'node:crypto';
import { SecretCipher, SecretDecryptionError } from './secret-cipher';

describe('SecretCipher (AES-256-GCM)', () => {
  const hexKey = randomBytes(32).toString('hex');
  const cipher = SecretCipher.fromKey(hexKey);

  it('seals and opens a value; the sealed form holds neither the value nor the key', () => {
    const sealed = cipher.seal('{"env":{"TOKEN":"hunter2"}}', 'server-a');
    expect(SecretCipher.isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('hunter2');
    expect(sealed).not.toContain(hexKey);
    expect(cipher.open(sealed, 'server-a')).toBe('{"env":{"TOKEN":"hunter2"}}');
    expect(cipher.seal('same', 'x')).not.toBe(cipher.seal('same', 'x'));
  });

  it('accepts the key as base64 too', () => {
    const bytes = randomBytes(32);
    const fromHex = SecretCipher.fromKey(bytes.toString('hex'));
    expect(SecretCipher.fromKey(bytes.toString('base64')).open(fromHex.seal('v', 'c'), 'c')).toBe('v');
    expect(SecretCipher.fromKey(bytes.toString('base64url')).open(fromHex.seal('v', 'c'), 'c')).toBe('v');
  });

  it('refuses a value moved to another record, altered, or opened with another or no key, saying which', () => {
    const sealed = cipher.seal('value', 'server-a');
    expect(() => cipher.open(sealed, 'server-b')).toThrow(/does not decrypt/);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'server-a')).toThrow(SecretDecryptionError);
    expect(() => SecretCipher.fromKey(randomBytes(32).toString('hex')).open(sealed, 'server-a')).toThrow(/encrypted with another key/);
    expect(() => SecretCipher.fromKey(undefined).open(sealed, 'server-a')).toThrow(/SECRETS_ENCRYPTION_KEY is not set/);
  });

  it('is off without a key and rejects keys of the wrong size', () => {
    expect(SecretCipher.fromKey(undefined).enabled).toBe(false);
    expect(SecretCipher.fromKey('').enabled).toBe(false);
    expect(cipher.enabled).toBe(true);
    expect(() => SecretCipher.fromKey('abc')).toThrow(/32 bytes/);
    expect(() => SecretCipher.fromKey(randomBytes(16).toString('hex'))).toThrow(/32 bytes/);
    expect(SecretCipher.isSealed('{"a":1}')).toBe(false);
  });
});
