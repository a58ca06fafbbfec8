import { PythonJsonLinesProcess, PythonProcessExitError, PythonReady } from '../adapters/python-json-lines-process';
import { LruCache } from './lru-cache';

/** A model file the serving process loads: its local copy and the SHA-256 the registry records. */
export interface ServeModelRef {
  sha256: string;
  path: string;
  format: 'sklearn' | 'torch';
}

export type ServeReply =
  | { ok: true; predictions?: (string | number)[]; classes?: string[] | null; probabilities?: number[][] | null; loadMs?: number }
  | { ok: false; kind: 'data' | 'integrity' | 'internal'; message: string };

export type ServeReady = PythonReady;

/** The process ended (crash, kill, or it never started) with requests in flight. */
export const ServeProcessExitError = PythonProcessExitError;

/**
 * One `python -m mcp_hub_adapter serve` process. `loaded` mirrors the process's own LRU of loaded
 * models (same capacity, same order of use).
 */
export class PythonServeProcess extends PythonJsonLinesProcess<ServeReply> {
  /** By SHA-256, the model as it was sent, so a replacement process can load the same ones. */
  readonly loaded: LruCache<string, ServeModelRef>;

  /** `onIdle` is called whenever the last request sent has been answered (after that request's own continuation). */
  constructor(bin: string, cacheSize: number, onIdle?: () => void) {
    super(bin, ['serve', '--cache-size', String(cacheSize)], 'Python serving process', { onIdle });
    this.loaded = new LruCache(cacheSize);
  }
}
