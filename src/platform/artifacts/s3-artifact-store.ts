import type { Client } from 'minio';
import { Readable } from 'node:stream';
import { ArtifactMeta, ArtifactStore, artifactNotFound, assertValidArtifactKey, bodyOf, sha256Of, verified, verifiedStream } from './artifact-store';

const SHA_HEADER = 'x-amz-meta-sha256';

/** Artifacts as objects in one S3 / MinIO bucket; the SHA-256 travels as object metadata. */
export class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3' as const;
  private bucketReady?: Promise<void>;

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly region: string,
  ) {}

  async put(key: string, data: Buffer | Readable, options: { contentType?: string } = {}): Promise<ArtifactMeta> {
    assertValidArtifactKey(key);
    await this.ensureBucket();
    const body = await bodyOf(data);
    const sha256 = sha256Of(body);
    const contentType = options.contentType ?? 'application/octet-stream';
    await this.client.putObject(this.bucket, key, body, body.length, { 'Content-Type': contentType, [SHA_HEADER]: sha256 });
    return { key, size: body.length, sha256, contentType, createdAt: new Date().toISOString() };
  }

  async get(key: string): Promise<Buffer> {
    const meta = await this.stat(key);
    if (!meta) throw artifactNotFound(key);
    return verified(key, meta.sha256, await bodyOf(await this.client.getObject(this.bucket, key)));
  }

  async open(key: string): Promise<Readable> {
    const meta = await this.stat(key);
    if (!meta) throw artifactNotFound(key);
    return verifiedStream(key, meta.sha256, await this.client.getObject(this.bucket, key));
  }

  async stat(key: string): Promise<ArtifactMeta | null> {
    assertValidArtifactKey(key);
    try {
      const info = await this.client.statObject(this.bucket, key);
      const metadata = Object.fromEntries(Object.entries(info.metaData ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
      return {
        key,
        size: info.size,
        sha256: metadata.sha256 ?? metadata[SHA_HEADER] ?? '',
        contentType: metadata['content-type'] ?? 'application/octet-stream',
        createdAt: new Date(info.lastModified).toISOString(),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async list(prefix = ''): Promise<ArtifactMeta[]> {
    if (!(await this.client.bucketExists(this.bucket))) return [];
    const keys: string[] = [];
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true) as AsyncIterable<{ name?: string }>) if (item.name) keys.push(item.name);
    const metas = await Promise.all(keys.sort().map((key) => this.stat(key)));
    return metas.filter((m): m is ArtifactMeta => m !== null);
  }

  async delete(key: string): Promise<void> {
    assertValidArtifactKey(key);
    await this.client.removeObject(this.bucket, key);
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private ensureBucket(): Promise<void> {
    this.bucketReady ??= (async () => {
      if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket, this.region);
    })().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'NotFound' || code === 'NoSuchKey' || code === 'NoSuchBucket';
}
