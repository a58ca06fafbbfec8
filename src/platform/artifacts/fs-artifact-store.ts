import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { ArtifactChecksumError, ArtifactMeta, ArtifactStore, artifactNotFound, assertValidArtifactKey } from './artifact-store';

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
    const body = Buffer.isBuffer(data) ? data : await toBuffer(data);
    const meta: ArtifactMeta = {
      key,
      size: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
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
    const body = await readFile(this.pathOf(key));
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== meta.sha256) throw new ArtifactChecksumError(key, meta.sha256, actual);
    return body;
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

async function toBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
