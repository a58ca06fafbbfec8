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

  /**
   * Upserts the server's entries as available and deletes the ones it no longer offers, in one
   * transaction. A list missing from `catalog` (its method failed) is left as stored, with its rows
   * in the answer taken from `previous`.
   */
  async replace(serverName: string, catalog: Partial<ServerCatalog>, previous: StoredCatalog): Promise<StoredCatalog> {
    const updatedAt = new Date();
    const base = { serverName, available: true, updatedAt };
    const stored: StoredCatalog = {
      tools: (catalog.tools ?? []).map((t) =>
        Object.assign(new CatalogTool(), {
          ...base,
          name: t.name,
          title: t.title ?? t.annotations?.title ?? null,
          description: t.description ?? null,
          inputSchema: t.inputSchema as Record<string, unknown>,
          outputSchema: (t.outputSchema as Record<string, unknown> | undefined) ?? null,
          annotations: (t.annotations as Record<string, unknown> | undefined) ?? null,
          extra: extraFields(t, ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations']),
        }),
      ),
      resources: (catalog.resources ?? []).map((r) =>
        Object.assign(new CatalogResource(), {
          ...base,
          uri: r.uri,
          name: r.name,
          title: r.title ?? null,
          description: r.description ?? null,
          mimeType: r.mimeType ?? null,
          extra: extraFields(r, ['uri', 'name', 'title', 'description', 'mimeType']),
        }),
      ),
      resourceTemplates: (catalog.resourceTemplates ?? []).map((r) =>
        Object.assign(new CatalogResourceTemplate(), {
          ...base,
          uriTemplate: r.uriTemplate,
          name: r.name,
          title: r.title ?? null,
          description: r.description ?? null,
          mimeType: r.mimeType ?? null,
          extra: extraFields(r, ['uriTemplate', 'name', 'title', 'description', 'mimeType']),
        }),
      ),
      prompts: (catalog.prompts ?? []).map((p) =>
        Object.assign(new CatalogPrompt(), {
          ...base,
          name: p.name,
          title: p.title ?? null,
          description: p.description ?? null,
          arguments: (p.arguments ?? []) as Record<string, unknown>[],
          extra: extraFields(p, ['name', 'title', 'description', 'arguments']),
        }),
      ),
    };
    await this.dataSource.transaction(async (manager) => {
      if (catalog.tools) await syncTable(manager, CatalogTool, serverName, 'name', stored.tools);
      if (catalog.resources) await syncTable(manager, CatalogResource, serverName, 'uri', stored.resources);
      if (catalog.resourceTemplates) await syncTable(manager, CatalogResourceTemplate, serverName, 'uriTemplate', stored.resourceTemplates);
      if (catalog.prompts) await syncTable(manager, CatalogPrompt, serverName, 'name', stored.prompts);
    });
    return {
      tools: catalog.tools ? stored.tools : previous.tools,
      resources: catalog.resources ? stored.resources : previous.resources,
      resourceTemplates: catalog.resourceTemplates ? stored.resourceTemplates : previous.resourceTemplates,
      prompts: catalog.prompts ? stored.prompts : previous.prompts,
    };
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

/** The fields of an upstream's entry that have no column of their own; null when there are none. */
function extraFields(entry: object, columns: string[]): Record<string, unknown> | null {
  const rest = Object.fromEntries(Object.entries(entry).filter(([key, value]) => !columns.includes(key) && value !== undefined));
  return Object.keys(rest).length > 0 ? rest : null;
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
