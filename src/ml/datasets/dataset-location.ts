import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ValidationFailedError } from '../../platform/errors/app-error';

export type DatasetLocation = { kind: 'local'; path: string } | { kind: 's3'; bucket: string; key: string };

const fail = (reason: string): never => {
  throw new ValidationFailedError([{ field: 'uri', reason }]);
};

/**
 * Parses a dataset URI. `local://<path>` is resolved against the working directory (absolute with
 * `local:///...`) and, after following symlinks, must lie inside DATA_DIR; `s3://bucket/key` names
 * an object in the configured object store.
 */
export function parseDatasetUri(uri: string, dataDir: string): DatasetLocation {
  const match = /^([a-z0-9]+):\/\/(.*)$/i.exec(uri);
  if (!match) return fail('must be local://<path inside DATA_DIR> or s3://<bucket>/<key>');
  const [, scheme, rest] = match;
  if (scheme.toLowerCase() === 's3') {
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) return fail('must be s3://<bucket>/<key>');
    return { kind: 's3', bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  }
  if (scheme.toLowerCase() !== 'local') return fail(`scheme "${scheme}" is not supported; use local:// or s3://`);
  if (!rest || rest.includes('\0')) return fail('names no file');
  const path = resolve(rest);
  if (!isInside(path, dataDir)) return fail(`resolves to ${path}, outside DATA_DIR (${resolve(dataDir)}); put the file under DATA_DIR or set DATA_DIR`);
  return { kind: 'local', path };
}

/** True when path (symlinks followed where they exist) lies inside dir. */
export function isInside(path: string, dir: string): boolean {
  // a name swapped while it is resolved may fail to resolve; the check on the opened file (dataset-file.ts) is the one that counts
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return isWithin(real(path), real(dir));
}

/** True when the absolute path lies below dir, comparing the names as given (no symlinks followed). */
export function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
