import type { Readable } from 'node:stream';
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
