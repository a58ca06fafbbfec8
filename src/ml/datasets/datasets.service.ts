import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Client as MinioClient } from 'minio';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../platform/config/app-config';
import { ConflictError, DependencyUnavailableError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { S3_CLIENT } from '../../platform/stores/store-tokens';
import { Dataset } from './dataset.entity';
import { DatasetLocation, parseDatasetUri } from './dataset-location';
import { DatasetFileError, openInsideDataDir, sha256Of } from './dataset-file';
import { DatasetProfiler } from './dataset-profile';
import { DatasetFormat, formatOf, RawRow, readRows, TableFormatError } from './table-reader';
import { byIdOrName, isResourceName, resourceNameFrom } from '../resource-name';
import { isUniqueViolation } from '../unique-violation';


/** Registers datasets (by URI or upload), profiles them and hands workers a local file to read. */
@Injectable()
export class DatasetsService {
  constructor(
    @InjectRepository(Dataset) private readonly datasets: Repository<Dataset>,
    private readonly config: AppConfig,
    @Optional() @Inject(S3_CLIENT) private readonly s3: MinioClient | null,
  ) {}

  async register(uri: string, name?: string, format?: DatasetFormat, lineage?: Record<string, unknown>): Promise<Dataset> {
    const location = parseDatasetUri(uri, this.config.datasets.dir);
    const chosenFormat = format ?? formatOf(location.kind === 'local' ? location.path : location.key);
    if (!chosenFormat) throw new ValidationFailedError([{ field: 'format', reason: 'cannot be inferred from the file name; pass "csv" or "jsonl"' }]);
    const datasetName = name ?? stem(location.kind === 'local' ? location.path : location.key);
    await this.assertNameFree(datasetName);
    const path = location.kind === 'local' ? location.path : await this.download(location, `register-${randomUUID()}`);
    try {
      return await this.save(datasetName, uri, chosenFormat, path, lineage);
    } finally {
      if (location.kind === 's3') await rm(path, { force: true });
    }
  }

  /** An uploaded file (already on disk under DATA_DIR/uploads/.incoming) becomes a dataset. */
  async registerUpload(tempPath: string, originalName: string, name?: string, format?: DatasetFormat): Promise<Dataset> {
    try {
      const chosenFormat = format ?? formatOf(originalName);
      if (!chosenFormat) throw new ValidationFailedError([{ field: 'format', reason: `cannot be inferred from "${originalName}"; pass "csv" or "jsonl"` }]);
      const datasetName = name ?? stem(originalName);
      await this.assertNameFree(datasetName);
      const dir = resolve(this.config.datasets.dir, 'uploads');
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${uuidv7()}-${basename(originalName).replace(/[^A-Za-z0-9._-]/g, '_')}`);
      await rename(tempPath, path);
      try {
        return await this.save(datasetName, `local://${path}`, chosenFormat, path);
      } catch (error) {
        await rm(path, { force: true });
        throw error;
      }
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  list(): Promise<Dataset[]> {
    return this.datasets.find({ order: { createdAt: 'DESC' } });
  }

  /** By id or by name; 404 otherwise. */
  async get(idOrName: string): Promise<Dataset> {
    const found = isResourceName(idOrName) ? await this.datasets.findOne({ where: byIdOrName(idOrName) }) : null;
    if (!found) throw new NotFoundError('dataset', idOrName);
    return found;
  }

  /**
   * A local file with the dataset's registered content, for an adapter to read. Object-store
   * datasets are downloaded into DATA_DIR/.cache once per content hash. A file whose hash changed
   * since registration is refused: metrics must describe the data that was registered.
   */
  async localCopy(dataset: Dataset): Promise<string> {
    const location: DatasetLocation = parseDatasetUri(dataset.uri, this.config.datasets.dir);
    let path: string;
    if (location.kind === 'local') path = location.path;
    else {
      path = resolve(this.config.datasets.dir, '.cache', `${dataset.sha256}${extname(location.key) || `.${dataset.format}`}`);
      const cached = await stat(path).catch(() => null);
      if (!cached) await rename(await this.download(location, `cache-${randomUUID()}`), path);
    }
    const { handle } = await openInsideDataDir(path, this.config.datasets.dir).catch((error: unknown) => {
      if (error instanceof DatasetFileError) throw new DatasetChangedError(dataset, error.problems[0].reason);
      throw error;
    });
    try {
      const sha256 = await sha256Of(handle);
      if (sha256 !== dataset.sha256) throw new DatasetChangedError(dataset, `its sha256 is now ${sha256}`);
    } finally {
      await handle.close();
    }
    return path;
  }

  /**
   * The dataset's rows in one pass that also hashes the file: after the last row, `verify()` throws
   * DatasetChangedError when it is no longer what was registered (the caller undoes what it did with
   * them, e.g. rolls back). Object-store datasets come from their verified local copy.
   */
  async readVerified(dataset: Dataset): Promise<{ rows: AsyncIterable<RawRow>; verify(): void }> {
    const location = parseDatasetUri(dataset.uri, this.config.datasets.dir);
    if (location.kind !== 'local') return { rows: readRows(await this.localCopy(dataset), dataset.format), verify: () => undefined };
    const { handle } = await openInsideDataDir(location.path, this.config.datasets.dir).catch((error: unknown) => {
      if (error instanceof DatasetFileError) throw new DatasetChangedError(dataset, error.problems[0].reason);
      throw error;
    });
    const hash = createHash('sha256');
    async function* rows(): AsyncGenerator<RawRow> {
      try {
        yield* readRows(handle, dataset.format, (chunk) => hash.update(chunk));
      } finally {
        await handle.close();
      }
    }
    return {
      rows: rows(),
      verify: () => {
        const sha256 = hash.digest('hex');
        if (sha256 !== dataset.sha256) throw new DatasetChangedError(dataset, `its sha256 is now ${sha256}`);
      },
    };
  }

  /** A file the hub wrote itself under DATA_DIR, hashed and profiled as it was written, becomes a dataset. */
  async registerWritten(path: string, name: string, format: DatasetFormat, written: { sha256: string; sizeBytes: number; profiler: DatasetProfiler }, lineage: Record<string, unknown>): Promise<Dataset> {
    const inside = relative(resolve(this.config.datasets.dir), resolve(path));
    if (inside.startsWith('..') || isAbsolute(inside)) throw new Error(`${path} is not under DATA_DIR`);
    return this.insert(name, `local://${path}`, format, { ...written, lineage });
  }

  /** Hash, profile and parse read one handle, opened once and checked to lie inside DATA_DIR. */
  private async save(name: string, uri: string, format: DatasetFormat, path: string, lineage?: Record<string, unknown>): Promise<Dataset> {
    const { handle, size } = await openInsideDataDir(path, this.config.datasets.dir);
    const profiler = new DatasetProfiler();
    const hash = createHash('sha256');
    try {
      for await (const row of readRows(handle, format, (chunk) => hash.update(chunk))) profiler.add(row);
    } catch (error) {
      if (error instanceof TableFormatError) throw new ValidationFailedError([{ field: 'file', reason: error.message }]);
      throw error;
    } finally {
      await handle.close();
    }
    return this.insert(name, uri, format, { sha256: hash.digest('hex'), sizeBytes: size, profiler, lineage: lineage ?? null });
  }

  private async insert(name: string, uri: string, format: DatasetFormat, file: { sha256: string; sizeBytes: number; profiler: DatasetProfiler; lineage: Record<string, unknown> | null }): Promise<Dataset> {
    const { profiler } = file;
    if (profiler.rowCount === 0) throw new ValidationFailedError([{ field: 'file', reason: 'holds no data rows' }]);
    const dataset = this.datasets.create({ id: uuidv7(), name, uri, format, sizeBytes: file.sizeBytes, sha256: file.sha256, rowCount: profiler.rowCount, columns: profiler.profile(), createdAt: new Date(), lineage: file.lineage });
    try {
      return await this.datasets.save(dataset);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(name);
      throw error;
    }
  }

  async assertNameFree(name: string): Promise<void> {
    if (await this.datasets.exist({ where: { name } })) throw nameTaken(name);
  }

  private async download(location: Extract<DatasetLocation, { kind: 's3' }>, fileName: string): Promise<string> {
    if (!this.s3) throw new DependencyUnavailableError('s3', `Dataset s3://${location.bucket}/${location.key} needs object storage, which is not configured`, 'set S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY');
    const dir = resolve(this.config.datasets.dir, '.cache');
    await mkdir(dir, { recursive: true });
    const path = join(dir, fileName);
    try {
      await this.s3.fGetObject(location.bucket, location.key, path);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'NoSuchKey' || code === 'NoSuchBucket' || code === 'NotFound') throw new ValidationFailedError([{ field: 'uri', reason: `s3://${location.bucket}/${location.key} does not exist` }]);
      throw new DependencyUnavailableError('s3', `Object storage did not answer: ${(error as Error).message}`, 'check S3_ENDPOINT and that the server is running');
    }
    return path;
  }
}

export class DatasetChangedError extends ConflictError {
  constructor(dataset: Dataset, what: string) {
    super('DATASET_CHANGED', `Dataset "${dataset.name}" no longer matches what was registered (${what}); register the new file under a new name`, { dataset: dataset.id });
  }
}

const nameTaken = (name: string) => new ConflictError('DATASET_NAME_TAKEN', `A dataset named "${name}" already exists; choose another name`, { name });

const stem = (path: string) => resourceNameFrom(basename(path).replace(/\.[^.]*$/, '')) ?? 'dataset';
