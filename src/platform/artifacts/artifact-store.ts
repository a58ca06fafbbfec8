import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { AppError, NotFoundError } from '../errors/app-error';
import { HttpStatus } from '@nestjs/common';

export interface ArtifactMeta {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
  createdAt: string;
}

/**
 * Where model files and other artifacts live. Keys are relative paths such as
 * `models/iris/3/model.pkl`; every read verifies the stored SHA-256.
 */
export interface ArtifactStore {
  readonly kind: 'fs' | 's3' | 'gridfs';
  put(key: string, data: Buffer | Readable, options?: { contentType?: string }): Promise<ArtifactMeta>;
  get(key: string): Promise<Buffer>;
  /** The artifact as a stream, for files too big to hold in memory; it fails at its end (ArtifactChecksumError) when the bytes are not what was stored. */
  open(key: string): Promise<Readable>;
  stat(key: string): Promise<ArtifactMeta | null>;
  list(prefix?: string): Promise<ArtifactMeta[]>;
  delete(key: string): Promise<void>;
  /** A URI that names the artifact in this store, e.g. file:///var/artifacts/models/x or s3://bucket/models/x. */
  uri(key: string): string;
}

export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');

const VALID_KEY = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._\-/]{1,512}$/;

export class InvalidArtifactKeyError extends AppError {
  readonly status = HttpStatus.BAD_REQUEST;
  readonly code = 'INVALID_ARTIFACT_KEY';
  constructor(key: string) {
    super(`Artifact key "${key}" is invalid: use relative paths of letters, digits, ".", "_", "-" and "/" without "." or ".." segments`);
  }
}

export class ArtifactChecksumError extends AppError {
  readonly status = HttpStatus.INTERNAL_SERVER_ERROR;
  readonly code = 'ARTIFACT_CORRUPTED';
  constructor(key: string, expected: string, actual: string) {
    super(`Artifact "${key}" is corrupted: expected sha256 ${expected}, read ${actual}`, { key, expected, actual });
  }
}

export const artifactNotFound = (key: string) => new NotFoundError('artifact', key);

export function assertValidArtifactKey(key: string): void {
  if (!VALID_KEY.test(key) || key.endsWith('/') || key.endsWith('.meta.json')) throw new InvalidArtifactKeyError(key);
}

export const sha256Of = (body: Buffer): string => createHash('sha256').update(body).digest('hex');

/** The body as read, or ArtifactChecksumError when it is not what was stored. */
export function verified(key: string, expectedSha256: string, body: Buffer): Buffer {
  const actual = sha256Of(body);
  if (actual !== expectedSha256) throw new ArtifactChecksumError(key, expectedSha256, actual);
  return body;
}

/** `source` passed through, hashed on the way; the stream errors at its end when the hash is not `expectedSha256`. */
export function verifiedStream(key: string, expectedSha256: string, source: Readable): Readable {
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = hash.digest('hex');
      done(actual === expectedSha256 ? null : new ArtifactChecksumError(key, expectedSha256, actual));
    },
  });
  // pipeline: a read error of the source reaches the reader instead of leaving it waiting
  return pipeline(source, check, () => undefined);
}

/** What put() accepts, as one buffer. */
export async function bodyOf(data: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(data)) return data;
  const chunks: Buffer[] = [];
  for await (const chunk of data) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
