/** A point of a vector collection: an id, its vector and what to return with it. */
export interface VectorPoint<P extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  vector: number[];
  payload: P;
}

export interface VectorMatch<P extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  score: number;
  payload: P;
}

/**
 * Nearest-neighbour search by cosine similarity over named collections: Qdrant when QDRANT_URL is
 * set, an in-process index otherwise. Ids are UUIDs.
 */
export interface VectorIndex {
  readonly kind: 'in-process' | 'qdrant';
  upsert(collection: string, points: VectorPoint[]): Promise<void>;
  delete(collection: string, ids: string[]): Promise<void>;
  search(collection: string, vector: number[], limit: number): Promise<VectorMatch[]>;
}

export const VECTOR_INDEX = Symbol('VECTOR_INDEX');

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
