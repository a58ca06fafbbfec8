import type { QdrantClient } from '@qdrant/js-client-rest';
import { VectorIndex, VectorMatch, VectorPoint } from './vector-index';

/** Collections in Qdrant (cosine distance), created on the first upsert with the vectors' size. */
export class QdrantVectorIndex implements VectorIndex {
  readonly kind = 'qdrant' as const;
  private readonly ready = new Map<string, Promise<void>>();

  constructor(
    private readonly client: QdrantClient,
    private readonly prefix: string,
  ) {}

  async upsert(collection: string, points: VectorPoint[]): Promise<void> {
    if (!points.length) return;
    const name = this.name(collection);
    await this.ensure(name, points[0].vector.length);
    await this.client.upsert(name, { wait: true, points: points.map((p) => ({ id: p.id, vector: p.vector, payload: p.payload })) });
  }

  async delete(collection: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const name = this.name(collection);
    if (!(await this.client.collectionExists(name)).exists) return;
    await this.client.delete(name, { wait: true, points: ids });
  }

  async search(collection: string, vector: number[], limit: number): Promise<VectorMatch[]> {
    const name = this.name(collection);
    if (!(await this.client.collectionExists(name)).exists) return [];
    const found = await this.client.search(name, { vector, limit, with_payload: true });
    return found.map((p) => ({ id: String(p.id), score: p.score, payload: (p.payload ?? {}) as Record<string, unknown> }));
  }

  private name(collection: string): string {
    return `${this.prefix}${collection}`.replace(/[^A-Za-z0-9_-]/g, '_');
  }

  private ensure(name: string, size: number): Promise<void> {
    let ready = this.ready.get(name);
    if (!ready) {
      ready = (async () => {
        if (!(await this.client.collectionExists(name)).exists) await this.client.createCollection(name, { vectors: { size, distance: 'Cosine' } });
      })();
      ready.catch(() => this.ready.delete(name));
      this.ready.set(name, ready);
    }
    return ready;
  }
}
