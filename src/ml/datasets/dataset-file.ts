import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { FileHandle, open, readlink, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { isWithin } from './dataset-location';

export class DatasetFileError extends ValidationFailedError {
  constructor(reason: string) {
    super([{ field: 'uri', reason }]);
  }
}

/**
 * Opens a dataset file once and proves that the file actually opened lies inside DATA_DIR.
 * Callers hash, profile and parse through this handle only: a path checked and then swapped for a
 * symlink to somewhere else changes nothing, because the check is on what was opened, not on the name.
 */
export async function openInsideDataDir(path: string, dataDir: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO planted at the path must not hang the request (no effect on regular files)
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetFileError(code === 'ENOENT' || code === 'ENOTDIR' ? `no file at ${path}` : `${path} cannot be opened (${code ?? (error as Error).message})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new DatasetFileError(`${path} is not a regular file`);
    const base = await realpath(dataDir).catch(() => null);
    const opened = await openedPath(handle, path, info);
    if (!base || !opened || !isWithin(opened, base)) throw new DatasetFileError(`${path} resolves outside DATA_DIR (${base ?? dataDir}) or changed while it was opened`);
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Where the open file really is: the kernel's name for the descriptor, or, without /proc, the resolved path if it is still that very file. */
async function openedPath(handle: FileHandle, path: string, info: Stats): Promise<string | null> {
  const viaProc = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => null);
  if (viaProc) return viaProc.replace(/ \(deleted\)$/, '');
  const real = await realpath(path).catch(() => null);
  const now = real ? await stat(real).catch(() => null) : null;
  return now && now.dev === info.dev && now.ino === info.ino ? real : null;
}

/** SHA-256 of an open file, read from its start. */
export async function sha256Of(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
