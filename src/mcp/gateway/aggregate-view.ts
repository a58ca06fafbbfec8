import type { Principal } from '../../platform/auth/api-keys.service';
import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate, CatalogTool } from '../catalog/catalog.entities';
import type { CatalogService } from '../catalog/catalog.service';
import type { HubTool } from '../hub-tools/hub-tool-registry';
import type { ProfileFilter } from '../servers-config/profile';
import { NameMap, NamedEntry } from './tool-naming';
import { uriTemplatePattern } from './uri-template';
import { META_TOOL_PREFIX } from './meta-tools';

/** A URI addressed at one server: `mcp-hub://<server>/<the server's own URI>`. */
const SERVER_URI = /^mcp-hub:\/\/([^/]+)\/(.+)$/s;

export const serverUri = (server: string, uri: string) => `mcp-hub://${server}/${uri}`;

export interface ExposedTool {
  tool: CatalogTool;
  exposed: string;
}

export interface ExposedResource {
  resource: CatalogResource;
  /** What the session sees: the server's URI, or `mcp-hub://<server>/<uri>` when another server in view lists the same URI. */
  uri: string;
}

/** What a tool name the session calls is: a hub__ meta-tool, one of the hub's own tools, or an upstream's. */
export type ToolTarget = { kind: 'meta' } | { kind: 'hub'; tool: HubTool } | { kind: 'upstream'; entry: NamedEntry };

/** Where a URI the session sent goes: which server, and the URI that server knows. */
export interface UriTarget {
  server: string;
  uri: string;
}

interface Sources {
  catalog: CatalogService;
  hubTools: () => HubTool[];
  hubTool: (name: string) => HubTool | undefined;
  /** Exposed names over every available tool, so a tool has the same name with or without a profile. */
  toolNames: () => NameMap;
  separator: string;
}

/**
 * What one aggregate or profile session sees, and the way back from what it sends: exposed tool and
 * prompt names, resource URIs, and the profile's limits. Every lookup applies the profile, so a name
 * outside it is unknown rather than refused later.
 */
export class AggregateView {
  constructor(
    private readonly sources: Sources,
    readonly profile?: ProfileFilter,
    readonly principal?: Principal,
  ) {}

  allowsServer(server: string): boolean {
    return !this.profile || this.profile.allowsServer(server);
  }

  tools(): ExposedTool[] {
    const names = this.sources.toolNames();
    return this.sources.catalog
      .tools({ available: true })
      .map((tool) => ({ tool, exposed: names.exposed(tool.serverName, tool.name)! }))
      .filter(({ tool, exposed }) => !this.profile || this.profile.allowsTool(tool.serverName, exposed));
  }

  /** What a called name is, within the profile; undefined when it names no tool the session sees. */
  toolTarget(name: string): ToolTarget | undefined {
    if (name.startsWith(META_TOOL_PREFIX)) return { kind: 'meta' };
    const tool = this.hubTool(name);
    if (tool) return { kind: 'hub', tool };
    const entry = this.resolveTool(name);
    return entry ? { kind: 'upstream', entry } : undefined;
  }

  resolveTool(exposed: string): NamedEntry | undefined {
    const entry = this.sources.toolNames().resolve(exposed);
    return entry && (!this.profile || this.profile.allowsTool(entry.server, exposed)) ? entry : undefined;
  }

  /** The hub's own tools in view (the profile's globs apply to them by group); the key's scope is checked on call. */
  hubTools(): HubTool[] {
    return this.sources.hubTools().filter((t) => !this.profile || this.profile.allowsTool(t.group, t.definition.name));
  }

  hubTool(name: string): HubTool | undefined {
    const tool = this.sources.hubTool(name);
    return tool && (!this.profile || this.profile.allowsTool(tool.group, name)) ? tool : undefined;
  }

  prompts(): { prompt: CatalogPrompt; exposed: string }[] {
    const names = this.promptNames();
    return this.visiblePrompts().map((prompt) => ({ prompt, exposed: names.exposed(prompt.serverName, prompt.name)! }));
  }

  resolvePrompt(exposed: string): NamedEntry | undefined {
    return this.promptNames().resolve(exposed);
  }

  /** Resources in view; a URI that several servers in view list is shown once per server, addressed at it. */
  resources(): ExposedResource[] {
    const rows = this.sources.catalog.resources().filter((r) => r.available && this.allowsServer(r.serverName));
    const servers = new Map<string, number>();
    for (const r of rows) servers.set(r.uri, (servers.get(r.uri) ?? 0) + 1);
    return rows.map((resource) => ({ resource, uri: servers.get(resource.uri)! > 1 ? serverUri(resource.serverName, resource.uri) : resource.uri }));
  }

  resourceTemplates(): CatalogResourceTemplate[] {
    return this.sources.catalog.resourceTemplates().filter((t) => t.available && this.allowsServer(t.serverName));
  }

  /**
   * The server a URI goes to: `mcp-hub://<server>/<uri>` names it; otherwise the first server in
   * name order that lists the URI, else the first whose resource template matches it.
   */
  resolveUri(uri: string): UriTarget | undefined {
    const addressed = SERVER_URI.exec(uri);
    if (addressed && this.allowsServer(addressed[1]) && this.offersServer(addressed[1])) return { server: addressed[1], uri: addressed[2] };
    const exact = this.sources.catalog.resources().find((r) => r.uri === uri && r.available && this.allowsServer(r.serverName));
    if (exact) return { server: exact.serverName, uri };
    const template = this.resourceTemplates().find((t) => uriTemplatePattern(t.uriTemplate).test(uri));
    return template ? { server: template.serverName, uri } : undefined;
  }

  private offersServer(server: string): boolean {
    const { catalog } = this.sources;
    return catalog.resources(server).some((r) => r.available) || catalog.resourceTemplates(server).some((t) => t.available);
  }

  private visiblePrompts(): CatalogPrompt[] {
    return this.sources.catalog.prompts().filter((p) => p.available && this.allowsServer(p.serverName));
  }

  private promptNames(): NameMap {
    return new NameMap(this.visiblePrompts().map((p) => ({ server: p.serverName, name: p.name })), this.sources.separator);
  }
}
