import { Injectable, Logger } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolResult,
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  ServerCapabilities,
  SetLevelRequestSchema,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AppConfig } from '../../platform/config/app-config';
import { HUB_VERSION } from '../../platform/version';
import { CatalogService } from '../catalog/catalog.service';
import { ToolCallService } from '../tools/tool-call.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { Bm25Index } from './bm25';
import { toMcpError } from './mcp-errors';
import { META_TOOLS, META_TOOL_PREFIX } from './meta-tools';
import { RequestMeter } from './request-meter';
import { ProgressRelay } from './progress-relay';
import { NameMap } from './tool-naming';
import { uriTemplatePattern } from './uri-template';
import { ProfileFilter } from '../servers-config/profile';
import { HubToolRegistry, actorOf, jsonToolResult, mayCall } from '../hub-tools/hub-tool-registry';
import type { Principal } from '../../platform/auth/api-keys.service';
import { ToolEmbeddings } from './tool-embeddings.service';
import { SHARED_SCHEMA_VALIDATOR, type SessionServer } from './session-server';
import type { ToolCallContext, ToolCallHandler } from './direct-tool-calls';

interface Scope {
  profile?: ProfileFilter;
  /** The session's API key (AUTH_MODE=api-key): hub tools check their scope against it. */
  principal?: Principal;
  /** Exposed names are computed over every available tool, so a tool has the same name with or without a profile. */
  toolNames: () => NameMap;
}

/**
 * The hub's aggregate MCP server, one per client session: every available upstream tool as
 * `<server><sep><tool>`, resources routed back by URI, prompts namespaced like tools, completions,
 * and the hub__ meta-tools. Progress and cancellation pass through to the upstream. tools/call is
 * answered by `callTool`, served ahead of the SDK server (direct-tool-calls.ts).
 */
@Injectable()
export class AggregateServerFactory {
  private readonly logger = new Logger('McpGateway');

  constructor(
    private readonly config: AppConfig,
    private readonly catalog: CatalogService,
    private readonly upstreams: UpstreamManager,
    private readonly toolCalls: ToolCallService,
    private readonly meter: RequestMeter,
    private readonly hubTools: HubToolRegistry,
    private readonly embeddings: ToolEmbeddings,
  ) {}

  /** With a profile, only its servers and the tools its globs allow are visible and callable. */
  create(profile?: ProfileFilter, principal?: Principal): SessionServer {
    const offered = this.capabilities(profile);
    const server = new Server(
      { name: 'mcp-hub', title: 'MCP Hub', version: HUB_VERSION },
      {
        capabilities: offered,
        instructions:
          'This hub aggregates several MCP servers. Tools are named <server>__<tool>. Use hub__search_tools to find a tool and hub__call_tool to call any tool by its full name.',
        jsonSchemaValidator: SHARED_SCHEMA_VALIDATOR,
      },
    );
    const separator = this.config.mcp.toolSeparator;
    const visibleServer = (server: string) => !profile || profile.allowsServer(server);
    const scope: Scope = {
      profile,
      principal,
      toolNames: () => this.toolNames(separator),
    };
    const promptNames = () => new NameMap(this.catalog.prompts().filter((p) => p.available && visibleServer(p.serverName)).map((p) => ({ server: p.serverName, name: p.name })), separator);

    server.setRequestHandler(ListToolsRequestSchema, (_request, extra) =>
      this.meter.measure('tools/list', extra, {}, async () => {
        if (this.config.mcp.lazyTools) return { tools: META_TOOLS };
        const tools: Tool[] = this.visibleTools(scope).map(({ tool: t, exposed }) => ({
          name: exposed,
          ...(t.title ? { title: t.title } : {}),
          description: t.description ?? undefined,
          inputSchema: t.inputSchema as Tool['inputSchema'],
          ...(t.outputSchema ? { outputSchema: t.outputSchema as Tool['outputSchema'] } : {}),
          ...(t.annotations ? { annotations: t.annotations } : {}),
        }));
        return { tools: [...tools, ...this.visibleHubTools(scope).map((t) => t.definition), ...META_TOOLS] };
      }),
    );

    if (offered.resources) this.registerResourceHandlers(server, visibleServer);
    if (offered.prompts) this.registerPromptHandlers(server, promptNames);
    if (offered.completions) this.registerCompletionHandler(server, promptNames, visibleServer);
    server.setRequestHandler(SetLevelRequestSchema, async () => ({}));
    const callTool: ToolCallHandler = (params, context) =>
      this.meter.measure('tools/call', context, { tool: params.name }, () => this.callTool(params.name, params.arguments ?? {}, context, scope));
    return { server, callTool };
  }

  /**
   * What this session's view offers, decided when it starts: tools always (the meta-tools), resources,
   * prompts and completions only when an available upstream in view has them.
   */
  private capabilities(profile?: ProfileFilter): ServerCapabilities {
    const visible = (server: string) => !profile || profile.allowsServer(server);
    const has = (rows: { serverName: string; available: boolean }[]) => rows.some((r) => r.available && visible(r.serverName));
    const completions = this.upstreams.statuses().some((s) => visible(s.name) && (s.state === 'connected' || s.state === 'degraded') && this.upstreams.serverIdentity(s.name).capabilities.completions);
    return {
      tools: { listChanged: true },
      ...(has(this.catalog.resources()) || has(this.catalog.resourceTemplates()) ? { resources: { listChanged: true } } : {}),
      ...(has(this.catalog.prompts()) ? { prompts: { listChanged: true } } : {}),
      ...(completions ? { completions: {} } : {}),
      logging: {},
    };
  }

  private registerResourceHandlers(server: Server, visibleServer: (server: string) => boolean): void {
    server.setRequestHandler(ListResourcesRequestSchema, (_request, extra) =>
      this.meter.measure('resources/list', extra, {}, async () => ({
        resources: this.catalog
          .resources()
          .filter((r) => r.available && visibleServer(r.serverName))
          .map((r) => ({ uri: r.uri, name: r.name, ...(r.title ? { title: r.title } : {}), description: r.description ?? undefined, mimeType: r.mimeType ?? undefined })),
      })),
    );

    server.setRequestHandler(ListResourceTemplatesRequestSchema, (_request, extra) =>
      this.meter.measure('resources/templates/list', extra, {}, async () => ({
        resourceTemplates: this.catalog
          .resourceTemplates()
          .filter((r) => r.available && visibleServer(r.serverName))
          .map((r) => ({ uriTemplate: r.uriTemplate, name: r.name, description: r.description ?? undefined, mimeType: r.mimeType ?? undefined })),
      })),
    );

    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => {
      const target = this.serverForUri(request.params.uri, visibleServer);
      return this.meter.measure('resources/read', extra, { server: target }, () =>
        this.forward(target, (client, options) => client.readResource(request.params, { ...options, signal: extra.signal })),
      );
    });

  }

  private registerPromptHandlers(server: Server, promptNames: () => NameMap): void {
    server.setRequestHandler(ListPromptsRequestSchema, (_request, extra) =>
      this.meter.measure('prompts/list', extra, {}, async () => {
        const names = promptNames();
        return {
          prompts: this.catalog
            .prompts()
            .filter((p) => p.available)
            .map((p) => ({ name: names.exposed(p.serverName, p.name)!, ...(p.title ? { title: p.title } : {}), description: p.description ?? undefined, arguments: p.arguments as never })),
        };
      }),
    );

    server.setRequestHandler(GetPromptRequestSchema, (request, extra) => {
      const entry = promptNames().resolve(request.params.name);
      return this.meter.measure('prompts/get', extra, { server: entry?.server }, () => {
        if (!entry) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
        return this.forward(entry.server, (client, options) => client.getPrompt({ ...request.params, name: entry.name }, { ...options, signal: extra.signal }));
      });
    });

  }

  private registerCompletionHandler(server: Server, promptNames: () => NameMap, visibleServer: (server: string) => boolean): void {
    server.setRequestHandler(CompleteRequestSchema, (request, extra) => {
      const ref = request.params.ref;
      const entry = ref.type === 'ref/prompt' ? promptNames().resolve(ref.name) : undefined;
      const target = ref.type === 'ref/prompt' ? entry?.server : this.serverForUri(ref.uri, visibleServer, true);
      return this.meter.measure('completion/complete', extra, { server: target }, () => {
        if (!target) throw new McpError(ErrorCode.InvalidParams, 'Unknown completion reference');
        const upstreamRef = ref.type === 'ref/prompt' ? { ...ref, name: entry!.name } : ref;
        return this.forward(target, (client, options) => client.complete({ ...request.params, ref: upstreamRef }, { ...options, signal: extra.signal }));
      });
    });

  }

  private toolNamesCache?: { version: number; names: NameMap };

  /** Exposed names of every available tool, rebuilt only when the catalog changed. */
  private toolNames(separator: string): NameMap {
    if (this.toolNamesCache?.version !== this.catalog.version) {
      const names = new NameMap(this.catalog.tools({ available: true }).map((t) => ({ server: t.serverName, name: t.name })), separator);
      this.toolNamesCache = { version: this.catalog.version, names };
    }
    return this.toolNamesCache.names;
  }

  private visibleHubTools(scope: Scope) {
    return this.hubTools.list().filter((t) => mayCall(t, scope.principal) && (!scope.profile || scope.profile.allowsTool(t.group, t.definition.name)));
  }

  private visibleTools(scope: Scope) {
    const names = scope.toolNames();
    return this.catalog
      .tools({ available: true })
      .map((tool) => ({ tool, exposed: names.exposed(tool.serverName, tool.name)! }))
      .filter(({ tool, exposed }) => !scope.profile || scope.profile.allowsTool(tool.serverName, exposed));
  }

  private async callTool(name: string, args: Record<string, unknown>, extra: ToolCallContext, scope: Scope): Promise<CallToolResult> {
    if (name.startsWith(META_TOOL_PREFIX)) return this.callMetaTool(name, args, extra, scope);
    const hubTool = this.hubTools.get(name);
    if (hubTool && (!scope.profile || scope.profile.allowsTool(hubTool.group, name))) {
      if (!mayCall(hubTool, scope.principal)) {
        const message = `${name} needs the "${hubTool.scope}" scope (as its REST route does); the key "${scope.principal!.name}" has ${scope.principal!.scopes.join(', ')}`;
        return jsonToolResult({ error: 'INSUFFICIENT_SCOPE', message }, true);
      }
      try {
        return await hubTool.call(args, { signal: extra.signal, sessionId: extra.sessionId, actor: actorOf(scope.principal) });
      } catch (error) {
        throw toMcpError(error);
      }
    }
    const entry = scope.toolNames().resolve(name);
    if (!entry || (scope.profile && !scope.profile.allowsTool(entry.server, name))) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    const progress = new ProgressRelay(extra);
    try {
      const result = await this.toolCalls.call(entry.server, entry.name, args, { signal: extra.signal, caller: extra.sessionId ?? 'mcp', onprogress: progress.listener });
      await progress.flushed();
      return result;
    } catch (error) {
      throw toMcpError(error);
    }
  }

  private async callMetaTool(name: string, args: Record<string, unknown>, extra: ToolCallContext, scope: Scope): Promise<CallToolResult> {
    const text = (value: unknown): CallToolResult => jsonToolResult(value);
    switch (name) {
      case 'hub__list_servers':
        return text({
          servers: this.upstreams.statuses().filter((s) => !scope.profile || scope.profile.allowsServer(s.name)).map((s) => ({ name: s.name, state: s.state, reason: s.reason, transport: s.transport ?? null, tools: this.catalog.counts(s.name).tools })),
        });
      case 'hub__search_tools': {
        const query = args.query;
        if (typeof query !== 'string' || query.trim() === '') throw new McpError(ErrorCode.InvalidParams, 'query must be a non-empty string');
        const limit = typeof args.limit === 'number' ? Math.min(50, Math.max(1, Math.floor(args.limit))) : 10;
        const visible = this.visibleTools(scope);
        const describe = (entry: (typeof visible)[number], score: number) => ({
          name: entry.exposed,
          server: entry.tool.serverName,
          description: entry.tool.description,
          inputSchema: entry.tool.inputSchema,
          score: Math.round(score * 1000) / 1000,
        });
        const bySimilarity = await this.searchByEmbeddings(query, visible);
        if (bySimilarity) return text({ method: 'embeddings', tools: bySimilarity.slice(0, limit).map(({ entry, score }) => describe(entry, score)) });
        const index = new Bm25Index(visible.map((entry) => ({ item: entry, text: `${entry.tool.name} ${entry.tool.title ?? ''} ${entry.tool.description ?? ''}` })));
        return text({ method: 'bm25', tools: index.search(query, limit).map(({ item, score }) => describe(item, score)) });
      }
      case 'hub__call_tool': {
        if (typeof args.name !== 'string') throw new McpError(ErrorCode.InvalidParams, 'name must be a tool name such as everything__echo');
        if (args.name.startsWith(META_TOOL_PREFIX)) throw new McpError(ErrorCode.InvalidParams, 'hub__call_tool cannot call meta-tools');
        const inner = (args.arguments ?? {}) as Record<string, unknown>;
        return this.callTool(args.name, inner, extra, scope);
      }
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
  }

  /** Visible tools ranked by embedding similarity; null (BM25 then) when embeddings are off, not ready or failing. */
  private async searchByEmbeddings<T extends { tool: { serverName: string; name: string } }>(query: string, visible: T[]): Promise<{ entry: T; score: number }[] | null> {
    if (!this.embeddings.enabled) return null;
    try {
      const matches = await this.embeddings.search(query, visible.length + 50);
      if (!matches) return null;
      const byKey = new Map(visible.map((entry) => [`${entry.tool.serverName}\u0000${entry.tool.name}`, entry]));
      return matches.flatMap((m) => {
        const entry = byKey.get(`${m.server}\u0000${m.name}`);
        return entry ? [{ entry, score: m.score }] : [];
      });
    } catch (error) {
      this.logger.warn(`hub__search_tools falls back to BM25: ${(error as Error).message}`);
      return null;
    }
  }

  /** The server that lists this URI, else the first whose resource template matches it. */
  private serverForUri(uri: string, visible: (server: string) => boolean, quiet = false): string {
    const exact = this.catalog.resources().find((r) => r.uri === uri && visible(r.serverName));
    if (exact) return exact.serverName;
    const template = this.catalog.resourceTemplates().find((t) => visible(t.serverName) && uriTemplatePattern(t.uriTemplate).test(uri));
    if (template) return template.serverName;
    if (quiet) return '';
    throw new McpError(ErrorCode.InvalidParams, `No upstream server offers the resource ${uri}`);
  }

  private async forward<T>(server: string, send: Parameters<UpstreamManager['request']>[1]): Promise<T> {
    try {
      return (await this.upstreams.request(server, send)) as T;
    } catch (error) {
      throw toMcpError(error);
    }
  }
}
