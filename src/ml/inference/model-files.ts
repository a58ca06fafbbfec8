import { Inject, Injectable } from '@nestjs/common';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppConfig } from '../../platform/config/app-config';
import { ARTIFACT_STORE, ArtifactStore, sha256Of } from '../../platform/artifacts/artifact-store';
import { ModelIntegrityError } from './inference.errors';
import { LruCache } from './lru-cache';
import { fileNameOf, ServedModel } from './served-model';
import { ModelVersion } from '../registry/registry.entities';

/** Local copies remembered per process; each is a few path strings. */
const COPIES_REMEMBERED = 1000;

/**
 * Model files for serving, read through the ArtifactStore (fs, S3 or GridFS) and accepted only when
 * their SHA-256 equals the registry's record. The Python workers read a local copy in
 * SERVING_CACHE_DIR named by that SHA-256 (and check it again as they load it).
 */
@Injectable()
export class ModelFiles {
  private readonly dir: string;
  private readonly copies = new LruCache<string, Promise<string>>(COPIES_REMEMBERED);

  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    config: AppConfig,
  ) {
    this.dir = resolve(config.serving.cacheDir);
  }

  async read(name: string, version: ModelVersion): Promise<Buffer> {
    const body = await this.store.get(version.artifactKey);
    const actual = sha256Of(body);
    if (actual !== version.artifactSha256) throw new ModelIntegrityError(name, version.version, `its file ${version.artifactKey} has SHA-256 ${actual}, the registry records ${version.artifactSha256}`);
    return body;
  }

  /** The path of a verified local copy of the model's file. */
  localCopy(model: ServedModel, version: ModelVersion): Promise<string> {
    let copy = this.copies.get(model.sha256);
    if (!copy) {
      copy = this.writeCopy(model, version);
      this.copies.set(model.sha256, copy);
      copy.catch(() => this.copies.delete(model.sha256));
    }
    return copy;
  }

  /** Forgets a copy the worker found corrupted, so the next use writes it again. */
  forget(sha256: string): void {
    this.copies.delete(sha256);
  }

  private async writeCopy(model: ServedModel, version: ModelVersion): Promise<string> {
    const extension = fileNameOf(version).split('.').pop();
    const path = join(this.dir, `${model.sha256}.${extension}`);
    const existing = await readFile(path).catch(() => undefined);
    if (existing && sha256Of(existing) === model.sha256) return path;
    const body = await this.read(model.name, version);
    await mkdir(this.dir, { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, body, { mode: 0o600 });
    await rename(temporary, path);
    return path;
  }
}
