import { cosine, VectorIndex, VectorMatch, VectorPoint } from './vector-index';

/** Brute-force cosine search in memory: right for a hub's few thousand tools, lost on restart. */
export class InProcessVectorIndex implements VectorIndex {
  readonly kind = 'in-process' as const;
  private readonly collections = new Map<string, Map<string, VectorPoint>>();

  async upsert(collection: string, points: VectorPoint[]): Promise<void> {
    const target = this.collections.get(collection) ?? new Map<string, VectorPoint>();
    this.collections.set(collection, target);
    for (const point of points) target.set(point.id, point);
  }

  async delete(collection: string, ids: string[]): Promise<void> {
    const target = this.collections.get(collection);
    for (const id of ids) target?.delete(id);
  }

  async search(collection: string, vector: number[], limit: number): Promise<VectorMatch[]> {
    const points = [...(this.collections.get(collection)?.values() ?? [])];
    return points
      .map((p) => ({ id: p.id, score: cosine(vector, p.vector), payload: p.payload }))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }
}
