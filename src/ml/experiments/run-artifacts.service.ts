import { Inject, Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { ARTIFACT_STORE, ArtifactMeta, ArtifactStore } from '../../platform/artifacts/artifact-store';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { ARTIFACT_PATH, ARTIFACT_PATH_RULE } from './experiment.dto';
import { ExperimentsService } from './experiments.service';
import { Run } from './run.entity';

export interface RunArtifact {
  path: string;
  size: number;
  sha256: string;
  contentType: string;
  createdAt: string;
}

/**
 * The files of a run in the ArtifactStore: a training job's model and metadata.json live under
 * training/<job id>/, files uploaded to a run under runs/<run id>/. Paths are relative to those.
 */
@Injectable()
export class RunArtifactsService {
  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly experiments: ExperimentsService,
  ) {}

  /** An uploaded file, stored under `path` (default: its own name) in an active run and added to the run's artifact list. */
  async uploadTo(runId: string, path: string | undefined, file: { path: string; originalname: string; mimetype: string }): Promise<RunArtifact> {
    const name = path ?? file.originalname;
    if (!ARTIFACT_PATH.test(name)) throw new ValidationFailedError([{ field: 'path', reason: `the uploaded file name "${name.slice(0, 100)}" is not usable (it must be ${ARTIFACT_PATH_RULE}); give a path field` }]);
    const { stored } = await this.experiments.addArtifactLocked(runId, async (run) => {
      const stored = await this.upload(run, name, { path: file.path, contentType: file.mimetype || 'application/octet-stream' });
      return { stored, artifact: { name: stored.path, uri: this.uriOf(uploadPrefixOf(run.id) + stored.path), sha256: stored.sha256 } };
    });
    return stored;
  }

  async list(run: Run): Promise<RunArtifact[]> {
    const listed = await Promise.all(prefixesOf(run).map(async (prefix) => (await this.store.list(prefix)).map((meta) => view(prefix, meta))));
    return listed.flat().sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * Stores a file under the run (runs/<run id>/<path>). Files are write-once, like params: a model
   * version registered from one keeps pointing at the bytes it was registered with.
   */
  async upload(run: Run, path: string, file: { path: string; contentType: string }): Promise<RunArtifact> {
    for (const prefix of prefixesOf(run)) {
      if (await this.store.stat(prefix + path)) throw new ConflictError('RUN_ARTIFACT_EXISTS', `Run ${run.id} already has a file "${path}"; files are write-once, upload under another path`, { path });
    }
    const prefix = uploadPrefixOf(run.id);
    return view(prefix, await this.store.put(prefix + path, createReadStream(file.path), { contentType: file.contentType }));
  }

  /** A URI that names the stored file (file://, s3:// or gridfs://). */
  uriOf(key: string): string {
    return this.store.uri(key);
  }

  /** The file at `path`, checksum-verified by the store. */
  async get(run: Run, path: string): Promise<{ meta: RunArtifact; key: string; body: Buffer }> {
    for (const prefix of prefixesOf(run)) {
      const meta = await this.store.stat(prefix + path);
      if (meta) return { meta: view(prefix, meta), key: meta.key, body: await this.store.get(meta.key) };
    }
    throw new NotFoundError('run artifact', `${run.id}/${path}`, 'RUN_ARTIFACT_NOT_FOUND');
  }
}

export const uploadPrefixOf = (runId: string) => `runs/${runId}/`;

function prefixesOf(run: Run): string[] {
  return [...(run.trainingJobId ? [`training/${run.trainingJobId}/`] : []), uploadPrefixOf(run.id)];
}

const view = (prefix: string, meta: ArtifactMeta): RunArtifact => ({ path: meta.key.slice(prefix.length), size: meta.size, sha256: meta.sha256, contentType: meta.contentType, createdAt: meta.createdAt });
