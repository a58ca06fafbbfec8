import type { Connection, mongo } from 'mongoose';
import { Readable } from 'node:stream';
import { ArtifactMeta, ArtifactStore, artifactNotFound, assertValidArtifactKey, bodyOf, sha256Of, verified, verifiedStream } from './artifact-store';

interface StoredFile {
  _id: mongo.ObjectId;
  filename: string;
  length: number;
  uploadDate: Date;
  metadata?: { sha256?: string; contentType?: string };
}

/**
 * Artifacts in MongoDB GridFS (bucket "artifacts"), one file per key: a put uploads a new file and
 * then removes older files of the same key. Built on the driver's GridFSBucket.
 */
export class GridFsArtifactStore implements ArtifactStore {
  readonly kind = 'gridfs' as const;
  private readonly bucketName = 'artifacts';

  constructor(private readonly connection: Connection) {}

  private async bucket(): Promise<mongo.GridFSBucket> {
    if (this.connection.readyState !== 1) await this.connection.asPromise();
    const { GridFSBucket } = (require('mongoose') as typeof import('mongoose')).mongo;
    return new GridFSBucket(this.connection.db!, { bucketName: this.bucketName });
  }

  async put(key: string, data: Buffer | Readable, options: { contentType?: string } = {}): Promise<ArtifactMeta> {
    assertValidArtifactKey(key);
    const body = await bodyOf(data);
    const sha256 = sha256Of(body);
    const contentType = options.contentType ?? 'application/octet-stream';
    const bucket = await this.bucket();
    const previous = await this.files(key);
    await new Promise<void>((resolve, reject) => {
      const upload = bucket.openUploadStream(key, { metadata: { sha256, contentType } });
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(body);
    });
    for (const file of previous) await bucket.delete(file._id);
    return { key, size: body.length, sha256, contentType, createdAt: new Date().toISOString() };
  }

  async get(key: string): Promise<Buffer> {
    const [file] = await this.files(key);
    if (!file) throw artifactNotFound(key);
    return verified(key, file.metadata?.sha256 ?? '', await bodyOf((await this.bucket()).openDownloadStream(file._id)));
  }

  async open(key: string): Promise<Readable> {
    const [file] = await this.files(key);
    if (!file) throw artifactNotFound(key);
    return verifiedStream(key, file.metadata?.sha256 ?? '', (await this.bucket()).openDownloadStream(file._id));
  }

  async stat(key: string): Promise<ArtifactMeta | null> {
    const [file] = await this.files(key);
    return file ? toMeta(file) : null;
  }

  async list(prefix = ''): Promise<ArtifactMeta[]> {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const files = (await (await this.bucket()).find({ filename: { $regex: `^${escaped}` } }, { sort: { filename: 1, uploadDate: -1 } }).toArray()) as StoredFile[];
    const latest = new Map<string, StoredFile>();
    for (const file of files) if (!latest.has(file.filename)) latest.set(file.filename, file);
    return [...latest.values()].map(toMeta);
  }

  async delete(key: string): Promise<void> {
    const bucket = await this.bucket();
    for (const file of await this.files(key)) await bucket.delete(file._id);
  }

  uri(key: string): string {
    return `gridfs://${this.bucketName}/${key}`;
  }

  private async files(key: string): Promise<StoredFile[]> {
    assertValidArtifactKey(key);
    return (await (await this.bucket()).find({ filename: key }, { sort: { uploadDate: -1 } }).toArray()) as StoredFile[];
  }
}

const toMeta = (file: StoredFile): ArtifactMeta => ({
  key: file.filename,
  size: file.length,
  sha256: file.metadata?.sha256 ?? '',
  contentType: file.metadata?.contentType ?? 'application/octet-stream',
  createdAt: file.uploadDate.toISOString(),
});
