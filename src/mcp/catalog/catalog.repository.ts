import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget, In, Not, ObjectLiteral } from 'typeorm';
import { CATALOG_ENTITIES, CatalogPrompt, CatalogResource, CatalogResourceTemplate, CatalogTool } from './catalog.entities';
import { ServerCatalog } from './server-catalog';

export interface StoredCatalog {
  tools: CatalogTool[];
  resources: CatalogResource[];
  resourceTemplates: CatalogResourceTemplate[];
  prompts: CatalogPrompt[];
}

/** The PostgreSQL record of every upstream's tools, resources, templates and prompts. */
@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Upserts the server's entries as available and deletes the ones it no longer offers, in one transaction. */
  async replace(serverName: string, catalog: ServerCatalog): Promise<StoredCatalog> {
    const updatedAt = new Date();
    const base = { serverName, available: true, updatedAt };
    const stored: StoredCatalog = {
      tools: catalog.tools.map((t) =>
        Object.assign(new CatalogTool(), {
          ...base,
          name: t.name,
          title: t.title ?? t.annotations?.title ?? null,
          description: t.description ?? null,
          inputSchema: t.inputSchema as Record<string, unknown>,
          outputSchema: (t.outputSchema as Record<string, unknown> | undefined) ?? null,
          annotations: (t.annotations as Record<string, unknown> | undefined) ?? null,
        }),
      ),
      resources: catalog.resources.map((r) =>
        Object.assign(new CatalogResource(), { ...base, uri: r.uri, name: r.name, title: r.title ?? null, description: r.description ?? null, mimeType: r.mimeType ?? null }),
      ),
      resourceTemplates: catalog.resourceTemplates.map((r) =>
        Object.assign(new CatalogResourceTemplate(), {
          ...base,
          uriTemplate: r.uriTemplate,
          name: r.name,
          title: r.title ?? null,
          description: r.description ?? null,
          mimeType: r.mimeType ?? null,
        }),
      ),
      prompts: catalog.prompts.map((p) =>
        Object.assign(new CatalogPrompt(), {
          ...base,
          name: p.name,
          title: p.title ?? null,
          description: p.description ?? null,
          arguments: (p.arguments ?? []) as Record<string, unknown>[],
        }),
      ),
    };
    await this.dataSource.transaction(async (manager) => {
      await syncTable(manager, CatalogTool, serverName, 'name', stored.tools);
      await syncTable(manager, CatalogResource, serverName, 'uri', stored.resources);
      await syncTable(manager, CatalogResourceTemplate, serverName, 'uriTemplate', stored.resourceTemplates);
      await syncTable(manager, CatalogPrompt, serverName, 'name', stored.prompts);
    });
    return stored;
  }

  async setAvailable(serverName: string, available: boolean): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const entity of CATALOG_ENTITIES) await manager.update(entity, { serverName }, { available });
    });
  }

  async remove(serverName: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const entity of CATALOG_ENTITIES) await manager.delete(entity, { serverName });
    });
  }

  async loadAll(): Promise<StoredCatalog> {
    const manager = this.dataSource.manager;
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      manager.find(CatalogTool, { order: { serverName: 'ASC', name: 'ASC' } }),
      manager.find(CatalogResource, { order: { serverName: 'ASC', uri: 'ASC' } }),
      manager.find(CatalogResourceTemplate, { order: { serverName: 'ASC', uriTemplate: 'ASC' } }),
      manager.find(CatalogPrompt, { order: { serverName: 'ASC', name: 'ASC' } }),
    ]);
    return { tools, resources, resourceTemplates, prompts };
  }
}

async function syncTable<T extends ObjectLiteral & { serverName: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  serverName: string,
  key: keyof T & string,
  rows: T[],
): Promise<void> {
  const keys = rows.map((row) => row[key]);
  await manager.delete(entity, keys.length ? { serverName, [key]: Not(In(keys)) } : { serverName });
  for (let i = 0; i < rows.length; i += 500) {
    await manager.upsert(entity, rows.slice(i, i + 500) as never[], ['serverName', key]);
  }
}
