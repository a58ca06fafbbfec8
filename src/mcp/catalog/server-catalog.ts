import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';

/** Everything one upstream offers, as its list_* methods return it. */
export interface ServerCatalog {
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
}

async function listAll<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const { items, nextCursor } = await fetchPage(cursor);
    all.push(...items);
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return all;
}

export type CatalogList = keyof ServerCatalog;

/** What could be read of a server's catalog: a list whose method failed is missing, and named in `failures`. */
export interface CatalogRead {
  catalog: Partial<ServerCatalog>;
  failures: { list: CatalogList; error: unknown }[];
}

/**
 * Reads the catalog of a connected server, following pagination, each list on its own: one that fails
 * (a server that declares resources but answers resources/templates/list with -32601) does not cost
 * the others. Lists the server does not offer are empty.
 */
export async function fetchServerCatalog(client: Client, timeoutMs: number): Promise<CatalogRead> {
  const capabilities = client.getServerCapabilities() ?? {};
  const options = { timeout: timeoutMs };
  const readers: Record<CatalogList, (() => Promise<unknown[]>) | undefined> = {
    tools: capabilities.tools ? () => listAll(async (cursor) => { const r = await client.listTools({ cursor }, options); return { items: r.tools, nextCursor: r.nextCursor }; }) : undefined,
    resources: capabilities.resources ? () => listAll(async (cursor) => { const r = await client.listResources({ cursor }, options); return { items: r.resources, nextCursor: r.nextCursor }; }) : undefined,
    resourceTemplates: capabilities.resources
      ? () => listAll(async (cursor) => { const r = await client.listResourceTemplates({ cursor }, options); return { items: r.resourceTemplates, nextCursor: r.nextCursor }; })
      : undefined,
    prompts: capabilities.prompts ? () => listAll(async (cursor) => { const r = await client.listPrompts({ cursor }, options); return { items: r.prompts, nextCursor: r.nextCursor }; }) : undefined,
  };
  const lists = Object.keys(readers) as CatalogList[];
  const settled = await Promise.allSettled(lists.map((list) => readers[list]?.() ?? Promise.resolve([])));
  const read: CatalogRead = { catalog: {}, failures: [] };
  settled.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') (read.catalog as Record<CatalogList, unknown[]>)[lists[i]] = outcome.value;
    else read.failures.push({ list: lists[i], error: outcome.reason });
  });
  return read;
}
