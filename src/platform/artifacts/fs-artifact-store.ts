import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { ArtifactMeta, ArtifactStore, artifactNotFound, assertValidArtifactKey, bodyOf, sha256Of, verified, verifiedStream } from './artifact-store';

const META_SUFFIX = '.meta.json';

/** Artifacts as files under one directory, each with a `<file>.meta.json` holding size and SHA-256. */
export class FsArtifactStore implements ArtifactStore {
  readonly kind = 'fs' as const;
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  async put(key: string, data: Buffer | Readable, options: { contentType?: string } = {}): Promise<ArtifactMeta> {
    const path = this.pathOf(key);
    const body = await bodyOf(data);
    const meta: ArtifactMeta = {
      key,
      size: body.length,
      sha256: sha256Of(body),
      contentType: options.contentType ?? 'application/octet-stream',
      createdAt: new Date().toISOString(),
    };
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, body);
    await writeFile(`${temp}${META_SUFFIX}`, JSON.stringify(meta));
    await rename(temp, path);
    await rename(`${temp}${META_SUFFIX}`, `${path}${META_SUFFIX}`);
    return meta;
  }

  async get(key: string): Promise<Buffer> {
    const meta = await this.stat(key);
    if (!meta) throw artifactNotFound(key);
    return verified(key, meta.sha256, await readFile(this.pathOf(key)));
  }

  async open(key: string): Promise<Readable> {
    const meta = await this.stat(key);
    if (!meta) throw artifactNotFound(key);
    return verifiedStream(key, meta.sha256, createReadStream(this.pathOf(key)));
  }

  async stat(key: string): Promise<ArtifactMeta | null> {
    try {
      return JSON.parse(await readFile(`${this.pathOf(key)}${META_SUFFIX}`, 'utf8')) as ArtifactMeta;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async list(prefix = ''): Promise<ArtifactMeta[]> {
    let entries: string[];
    try {
      entries = await readdir(this.root, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const keys = entries
      .filter((entry) => entry.endsWith(META_SUFFIX) && !entry.includes('.tmp'))
      .map((entry) => entry.slice(0, -META_SUFFIX.length).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort();
    const metas = await Promise.all(keys.map((key) => this.stat(key)));
    return metas.filter((meta): meta is ArtifactMeta => meta !== null);
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(`${path}${META_SUFFIX}`, { force: true });
    await rm(path, { force: true });
  }

  uri(key: string): string {
    return `file://${this.pathOf(key)}`;
  }

  private pathOf(key: string): string {
    assertValidArtifactKey(key);
    const path = join(this.root, key);
    if (relative(this.root, path).startsWith('..')) throw artifactNotFound(key);
    return path;
  }
}
