import { assertValidArtifactKey, InvalidArtifactKeyError } from '../../platform/artifacts/artifact-store';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { parseDatasetUri } from '../datasets/dataset-location';

export type BatchInputLocation = { kind: 'local'; path: string } | { kind: 'artifact'; key: string };

const FIELD = 'input.uri';

const refuse = (reason: string): never => {
  throw new ValidationFailedError([{ field: FIELD, reason }]);
};

/**
 * Which files a batch job may read, by URI. Anyone who can submit a job makes the hub read the file,
 * so only two kinds are accepted:
 * - `local://<path>` resolving (symlinks followed) inside DATA_DIR, the same rule as datasets; the
 *   worker checks the file it actually opened again, so a symlink swapped in later reads nothing;
 * - an object of the hub's own ArtifactStore: `artifact://<key>`, or the store's own URI of it
 *   (`storePrefix` + key, e.g. file:///var/lib/mcp-hub/artifacts/<key> or s3://<bucket>/<key>),
 *   its key held to the store's key rule (no `..`), its checksum verified as it is read.
 * http(s) is refused (the hub would fetch internal addresses for the caller), and so are file://
 * paths outside the artifact store and buckets other than the store's: register those as a dataset.
 */
export function parseBatchInputUri(uri: string, dataDir: string, storePrefix: string): BatchInputLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'local') {
    try {
      return { kind: 'local', path: (parseDatasetUri(uri, dataDir) as { path: string }).path };
    } catch (error) {
      if (error instanceof ValidationFailedError) return refuse(error.problems[0].reason);
      throw error;
    }
  }
  const key = scheme === 'artifact' ? uri.slice('artifact://'.length) : uri.startsWith(storePrefix) ? uri.slice(storePrefix.length) : null;
  if (key !== null) {
    try {
      assertValidArtifactKey(key);
    } catch (error) {
      if (error instanceof InvalidArtifactKeyError) return refuse(`"${key}" is not a valid artifact key: relative path of letters, digits, ".", "_", "-" and "/" without "." or ".." segments`);
      throw error;
    }
    return { kind: 'artifact', key };
  }
  if (scheme === 'http' || scheme === 'https') return refuse('http(s) URIs are not read by the hub; upload the file as a dataset (POST /api/ml/datasets) and pass input.datasetId');
  return refuse(`must be local://<path inside DATA_DIR>, artifact://<key> or an artifact URI of this hub (${storePrefix}<key>); register other files as a dataset and pass input.datasetId`);
}
