import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { EmbeddingClient } from '../../platform/vectors/embedding-client';
import { VECTOR_INDEX, VectorIndex } from '../../platform/vectors/vector-index';
import { CatalogService } from '../catalog/catalog.service';

const COLLECTION = 'hub_tools';
const NAMESPACE = '6f1c7d5e-2b8a-4f3e-9c1d-5a7b9e2f4c60';
const BATCH = 64;
const DEBOUNCE_MS = 200;
const RETRY_MS = 30_000;

export interface ToolMatch {
  server: string;
  name: string;
  score: number;
}

/**
 * Keeps an embedding of every available tool (name, title, description) in the VectorIndex when an
 * embeddings API is configured, re-embedding only tools whose text changed, and answers
 * hub__search_tools queries by similarity.
 */
@Injectable()
export class ToolEmbeddings implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ToolEmbeddings');
  private readonly client?: EmbeddingClient;
  private readonly indexed = new Map<string, string>();
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();
  private synced = false;

  constructor(
    config: AppConfig,
    private readonly catalog: CatalogService,
    private readonly bus: EventBus,
    @Inject(VECTOR_INDEX) private readonly index: VectorIndex,
  ) {
    if (config.embeddings) this.client = new EmbeddingClient(config.embeddings);
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  onApplicationBootstrap(): void {
    if (!this.client) return;
    this.unsubscribe = this.bus.subscribe(() => this.schedule(), ['mcp.catalog.changed']);
    this.schedule();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    clearTimeout(this.timer);
    clearTimeout(this.retry);
  }

  /** Tools ranked by similarity to the query; null when embeddings are off or not built yet. */
  async search(query: string, limit: number): Promise<ToolMatch[] | null> {
    if (!this.client) return null;
    if (!(await this.settled())) return null;
    const [vector] = await this.client.embed([query]);
    const matches = await this.index.search(COLLECTION, vector, limit);
    return matches.map((m) => ({ server: String(m.payload.server), name: String(m.payload.name), score: m.score }));
  }

  /** Waits for a scheduled or running sync, so a search sees the catalog as it is now. */
  async settled(): Promise<boolean> {
    while (this.timer) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.syncing;
    return this.synced;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    clearTimeout(this.retry);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.syncing = this.syncing
        .then(() => this.sync())
        .catch((error: Error) => {
          this.logger.warn(`Embedding the tool catalog failed: ${error.message}; hub__search_tools uses BM25 until it succeeds (next try in ${RETRY_MS / 1000} s)`);
          this.retry = setTimeout(() => this.schedule(), RETRY_MS);
          this.retry.unref();
        });
    }, DEBOUNCE_MS);
  }

  private async sync(): Promise<void> {
    const current = new Map<string, { text: string; hash: string; server: string; name: string }>();
    for (const tool of this.catalog.tools({ available: true })) {
      const text = [tool.name, tool.title, tool.description].filter(Boolean).join(': ');
      const id = uuidv5(`${tool.serverName}\u0000${tool.name}`, NAMESPACE);
      current.set(id, { text, hash: createHash('sha256').update(text).digest('hex'), server: tool.serverName, name: tool.name });
    }
    const changed = [...current.entries()].filter(([id, t]) => this.indexed.get(id) !== t.hash);
    const removed = [...this.indexed.keys()].filter((id) => !current.has(id));
    for (let i = 0; i < changed.length; i += BATCH) {
      const batch = changed.slice(i, i + BATCH);
      const vectors = await this.client!.embed(batch.map(([, t]) => t.text));
      await this.index.upsert(
        COLLECTION,
        batch.map(([id, t], k) => ({ id, vector: vectors[k], payload: { server: t.server, name: t.name } })),
      );
      for (const [id, t] of batch) this.indexed.set(id, t.hash);
    }
    await this.index.delete(COLLECTION, removed);
    for (const id of removed) this.indexed.delete(id);
    this.synced = true;
    if (changed.length || removed.length) this.logger.log(`Tool embeddings: ${changed.length} embedded, ${removed.length} removed, ${current.size} in the ${this.index.kind} index`);
  }
}
