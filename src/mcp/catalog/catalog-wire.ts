import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { CatalogPrompt, CatalogResource, CatalogResourceTemplate, CatalogTool } from './catalog.entities';

/** Catalog rows as MCP lists carry them: every field the server sent, under the name (or URI) a client sees. */
export function wireTool(t: CatalogTool, name = t.name): Tool {
  return {
    ...(t.extra ?? {}),
    name,
    ...(t.title ? { title: t.title } : {}),
    description: t.description ?? undefined,
    inputSchema: t.inputSchema as Tool['inputSchema'],
    ...(t.outputSchema ? { outputSchema: t.outputSchema as Tool['outputSchema'] } : {}),
    ...(t.annotations ? { annotations: t.annotations } : {}),
  };
}

export function wireResource(r: CatalogResource, uri = r.uri): Resource {
  return { ...(r.extra ?? {}), uri, name: r.name, ...(r.title ? { title: r.title } : {}), description: r.description ?? undefined, mimeType: r.mimeType ?? undefined };
}

export function wireResourceTemplate(t: CatalogResourceTemplate): ResourceTemplate {
  return { ...(t.extra ?? {}), uriTemplate: t.uriTemplate, name: t.name, ...(t.title ? { title: t.title } : {}), description: t.description ?? undefined, mimeType: t.mimeType ?? undefined };
}

export function wirePrompt(p: CatalogPrompt, name = p.name): Prompt {
  return { ...(p.extra ?? {}), name, ...(p.title ? { title: p.title } : {}), description: p.description ?? undefined, arguments: p.arguments as never };
}
