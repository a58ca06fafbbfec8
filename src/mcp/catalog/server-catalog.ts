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

/** Reads the full catalog of a connected server, following pagination; skips what it does not offer. */
export async function fetchServerCatalog(client: Client, timeoutMs: number): Promise<ServerCatalog> {
  const capabilities = client.getServerCapabilities() ?? {};
  const options = { timeout: timeoutMs };
  const [tools, resources, resourceTemplates, prompts] = await Promise.all([
    capabilities.tools ? listAll(async (cursor) => { const r = await client.listTools({ cursor }, options); return { items: r.tools, nextCursor: r.nextCursor }; }) : [],
    capabilities.resources ? listAll(async (cursor) => { const r = await client.listResources({ cursor }, options); return { items: r.resources, nextCursor: r.nextCursor }; }) : [],
    capabilities.resources
      ? listAll(async (cursor) => { const r = await client.listResourceTemplates({ cursor }, options); return { items: r.resourceTemplates, nextCursor: r.nextCursor }; })
      : [],
    capabilities.prompts ? listAll(async (cursor) => { const r = await client.listPrompts({ cursor }, options); return { items: r.prompts, nextCursor: r.nextCursor }; }) : [],
  ]);
  return { tools, resources, resourceTemplates, prompts };
}
