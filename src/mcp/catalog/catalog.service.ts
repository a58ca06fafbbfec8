import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { EventBus } from '../../platform/events/event-bus';
import { KeyedSerialQueue } from '../../platform/keyed-serial-queue';
import { describeError } from '../../platform/errors/describe-error';
import { maskSecrets } from '../../platform/secrets/secret-mask';
import { CatalogPrompt, CatalogResource, CatalogResourceTemplate, CatalogTool } from './catalog.entities';
import { CatalogRepository, StoredCatalog } from './catalog.repository';
import { CatalogList, fetchServerCatalog } from './server-catalog';

const LIST_METHODS: Record<CatalogList, string> = { tools: 'tools/list', resources: 'resources/list', resourceTemplates: 'resources/templates/list', prompts: 'prompts/list' };

const emptyCatalog = (): StoredCatalog => ({ tools: [], resources: [], resourceTemplates: [], prompts: [] });

export interface ToolFilter {
  server?: string;
  q?: string;
  available?: boolean;
}

/**
 * The in-memory view of every upstream's catalog that requests read; PostgreSQL (CatalogRepository)
 * is the record, loaded at boot so entries survive restarts. Syncs of one server run one at a time.
 */
@Injectable()
export class CatalogService implements OnModuleInit {
  private readonly logger = new Logger('Catalog');
  private view = new Map<string, StoredCatalog>();
  /** Grows with every change, so readers can cache what they derive from the catalog. */
  version = 0;
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly repository: CatalogRepository,
    private readonly events: EventBus,
  ) {}

  async onModuleInit(): Promise<void> {
    const all = await this.repository.loadAll();
    this.view = new Map();
    const entry = (server: string) => {
      if (!this.view.has(server)) this.view.set(server, emptyCatalog());
      return this.view.get(server)!;
    };
    all.tools.forEach((row) => entry(row.serverName).tools.push(row));
    all.resources.forEach((row) => entry(row.serverName).resources.push(row));
    all.resourceTemplates.forEach((row) => entry(row.serverName).resourceTemplates.push(row));
    all.prompts.forEach((row) => entry(row.serverName).prompts.push(row));
  }

  /** Reads the server's lists and records them; called on connect and on every list_changed. */
  sync(serverName: string, client: Client, timeoutMs: number): Promise<void> {
    return this.queue.run(serverName, async () => {
      try {
        const { catalog, failures } = await fetchServerCatalog(client, timeoutMs);
        for (const { list, error } of failures) {
          this.logger.warn(`${serverName}: could not read its ${LIST_METHODS[list]} (${maskSecrets(describeError(error))}); the rest of its catalog is served without that list (its stored rows are kept as they were)`);
        }
        const stored = await this.repository.replace(serverName, catalog, this.view.get(serverName) ?? emptyCatalog());
        this.view.set(serverName, stored);
        this.publish(serverName, 'synced');
      } catch (error) {
        this.logger.warn(`Could not read the catalog of ${serverName}: ${maskSecrets(describeError(error))}`);
      }
    });
  }

  setAvailable(serverName: string, available: boolean): Promise<void> {
    return this.queue.run(serverName, async () => {
      const current = this.view.get(serverName);
      if (!current) return;
      await this.repository.setAvailable(serverName, available);
      for (const rows of Object.values(current) as { available: boolean }[][]) rows.forEach((row) => (row.available = available));
      this.publish(serverName, available ? 'available' : 'unavailable');
    });
  }

  remove(serverName: string): Promise<void> {
    return this.queue.run(serverName, async () => {
      await this.repository.remove(serverName);
      this.view.delete(serverName);
      this.publish(serverName, 'removed');
    });
  }

  tools(filter: ToolFilter = {}): CatalogTool[] {
    const q = filter.q?.toLowerCase();
    return this.rows((c) => c.tools, filter.server).filter(
      (tool) =>
        (filter.available === undefined || tool.available === filter.available) &&
        (!q || tool.name.toLowerCase().includes(q) || (tool.description ?? '').toLowerCase().includes(q) || (tool.title ?? '').toLowerCase().includes(q)),
    );
  }

  tool(serverName: string, toolName: string): CatalogTool | undefined {
    return this.view.get(serverName)?.tools.find((tool) => tool.name === toolName);
  }

  resources(server?: string): CatalogResource[] {
    return this.rows((c) => c.resources, server);
  }

  resourceTemplates(server?: string): CatalogResourceTemplate[] {
    return this.rows((c) => c.resourceTemplates, server);
  }

  prompts(server?: string): CatalogPrompt[] {
    return this.rows((c) => c.prompts, server);
  }

  prompt(serverName: string, promptName: string): CatalogPrompt | undefined {
    return this.view.get(serverName)?.prompts.find((prompt) => prompt.name === promptName);
  }

  counts(serverName: string): Record<keyof StoredCatalog, number> {
    const c = this.view.get(serverName);
    return { tools: c?.tools.length ?? 0, resources: c?.resources.length ?? 0, resourceTemplates: c?.resourceTemplates.length ?? 0, prompts: c?.prompts.length ?? 0 };
  }

  private rows<T>(pick: (catalog: StoredCatalog) => T[], server?: string): T[] {
    if (server) return [...pick(this.view.get(server) ?? emptyCatalog())];
    return [...this.view.keys()].sort().flatMap((name) => pick(this.view.get(name)!));
  }

  private publish(serverName: string, change: string): void {
    this.version++;
    this.events.publish('mcp.catalog.changed', { server: serverName, change, ...this.counts(serverName) }, serverName);
  }
}
