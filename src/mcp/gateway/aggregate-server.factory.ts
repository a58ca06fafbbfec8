import { Injectable } from '@nestjs/common';
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
  LoggingLevel,
  McpError,
  ReadResourceRequestSchema,
  ReadResourceResult,
  ServerCapabilities,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  Tool,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { AppConfig } from '../../platform/config/app-config';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { HUB_VERSION } from '../../platform/version';
import { CatalogService } from '../catalog/catalog.service';
import { ToolCallService } from '../tools/tool-call.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { ProfileFilter } from '../servers-config/profile';
import { HubToolRegistry, actorOf, jsonToolResult, mayCall } from '../hub-tools/hub-tool-registry';
import type { Principal } from '../../platform/auth/api-keys.service';
import { AggregateView, ExposedTool, ToolTarget, UriTarget } from './aggregate-view';
import type { RequestOrigin } from '../upstream/in-flight-origins';
import { pageOf } from './list-pages';
import { orMcpError, toMcpError } from './mcp-errors';
import { wirePrompt, wireResource, wireResourceTemplate, wireTool } from '../catalog/catalog-wire';
import { META_TOOLS, MetaTools } from './meta-tools';
import { RequestMeter } from './request-meter';
import { ProgressRelay } from './progress-relay';
import { NameMap } from './tool-naming';
import { invalidArgumentsResult } from './tool-results';
import { SHARED_SCHEMA_VALIDATOR, type SessionServer } from './session-server';
import type { ToolCallContext, ToolCallHandler } from './direct-tool-calls';
import { RequestContext, originOf } from './request-origin';
import { ResourceSubscriptions } from './resource-subscriptions';
import { SessionLogLevels } from './session-log-levels';

const HUB_INSTRUCTIONS =
  'This hub aggregates several MCP servers. Tools are named <server>__<tool>. Use hub__search_tools to find a tool and hub__call_tool to call any tool by its full name.';

const LIVE = new Set(['connected', 'degraded']);

interface LiveServer {
  name: string;
  identity: ReturnType<UpstreamManager['serverIdentity']>;
}

/** The hub's own instructions, then those of each connected server in view under its name. */
function instructionsOf(live: LiveServer[]): string {
  const upstream = live.flatMap(({ name, identity }) => (identity.instructions ? [`## ${name}\n${identity.instructions}`] : []));
  return [HUB_INSTRUCTIONS, ...upstream].join('\n\n');
}

/** A catalog tool as the session lists it: every field its server sent, under its exposed name. */
const listedTool = ({ tool, exposed }: ExposedTool): Tool => wireTool(tool, exposed);

/**
 * The hub's aggregate MCP server, one per client session: every available upstream tool as
 * `<server><sep><tool>`, resources routed back by URI, prompts namespaced like tools, completions,
 * and the hub__ meta-tools (meta-tools.ts). What the session sees and how its names map back is its
 * AggregateView. Lists are paged (MCP_LIST_PAGE_SIZE). tools/call is answered by `callTool`, served
 * ahead of the SDK server (direct-tool-calls.ts).
 */
@Injectable()
export class AggregateServerFactory {
  private toolNamesCache?: { version: number; names: NameMap };

  constructor(
    private readonly config: AppConfig,
    private readonly catalog: CatalogService,
    private readonly upstreams: UpstreamManager,
    private readonly toolCalls: ToolCallService,
    private readonly meter: RequestMeter,
    private readonly hubTools: HubToolRegistry,
    private readonly metaTools: MetaTools,
    private readonly subscriptions: ResourceSubscriptions,
    private readonly levels: SessionLogLevels,
  ) {}

  /** With a profile, only its servers and the tools its globs allow are visible and callable. */
  create(profile?: ProfileFilter, principal?: Principal): SessionServer {
    const view = new AggregateView(
      {
        catalog: this.catalog,
        hubTools: () => this.hubTools.list(),
        hubTool: (name) => this.hubTools.get(name),
        toolNames: () => this.toolNames(),
        separator: this.config.mcp.toolSeparator,
      },
      profile,
      principal,
    );
    const live = this.liveServers(view);
    const offered = this.capabilities(view, live);
    const server = new Server(
      { name: 'mcp-hub', title: 'MCP Hub', version: HUB_VERSION },
      { capabilities: offered, instructions: instructionsOf(live), jsonSchemaValidator: SHARED_SCHEMA_VALIDATOR },
    );
    const pageSize = this.config.mcp.listPageSize;

    server.setRequestHandler(ListToolsRequestSchema, (request, extra) =>
      this.meter.measure('tools/list', extra, {}, async () => {
        if (this.config.mcp.lazyTools) return { tools: META_TOOLS };
        const hubTools = view.hubTools().filter((t) => mayCall(t, principal)).map((t) => t.definition);
        const { page, nextCursor } = pageOf('tools/list', [...view.tools().map(listedTool), ...hubTools, ...META_TOOLS], request.params?.cursor, pageSize);
        return { tools: page, ...(nextCursor ? { nextCursor } : {}) };
      }),
    );

    if (offered.resources) this.registerResourceHandlers(server, view, pageSize);
    if (offered.resources?.subscribe) this.registerSubscriptionHandlers(server, view);
    if (offered.prompts) this.registerPromptHandlers(server, view, pageSize);
    if (offered.completions) this.registerCompletionHandler(server, view);
    server.setRequestHandler(SetLevelRequestSchema, async (request, extra) => {
      if (extra.sessionId) await this.setLevel(extra.sessionId, request.params.level);
      return {};
    });
    // roots/list_changed and the like concern the upstream sessions this session owns; shared ones are everyone's
    server.fallbackNotificationHandler = async (notification) => {
      const sessionId = server.transport?.sessionId;
      if (!sessionId || notification.method === 'notifications/cancelled' || notification.method === 'notifications/initialized') return;
      for (const [, client] of await this.upstreams.ownClients(sessionId)) await client.notification(notification as never).catch(() => undefined);
    };
    const callTool: ToolCallHandler = (params, context) => {
      const target = view.toolTarget(params.name);
      const call = () => this.callTool(params.name, target, params.arguments ?? {}, context, view);
      // a call of an upstream tool is recorded by its own mcp.tool.call event (caller: the session); one event per call is half the telemetry work
      return target?.kind === 'upstream' ? call() : this.meter.measure('tools/call', context, { tool: params.name }, call);
    };
    return { server, callTool };
  }

  /**
   * What this session's view offers, decided when it starts: tools always (the meta-tools), resources,
   * prompts and completions only when an available upstream in view has them.
   */
  private capabilities(view: AggregateView, live: LiveServer[]): ServerCapabilities {
    const has = (rows: { serverName: string; available: boolean }[]) => rows.some((r) => r.available && view.allowsServer(r.serverName));
    const completions = live.some(({ identity }) => identity.capabilities.completions);
    const subscribe = live.some(({ identity }) => identity.capabilities.resources?.subscribe);
    return {
      tools: { listChanged: true },
      ...(has(this.catalog.resources()) || has(this.catalog.resourceTemplates()) ? { resources: { listChanged: true, ...(subscribe ? { subscribe: true } : {}) } } : {}),
      ...(has(this.catalog.prompts()) ? { prompts: { listChanged: true } } : {}),
      ...(completions ? { completions: {} } : {}),
      logging: {},
    };
  }

  /** The connected servers in view, with what they said of themselves. */
  private liveServers(view: AggregateView): LiveServer[] {
    return this.upstreams
      .statuses()
      .filter((s) => view.allowsServer(s.name) && LIVE.has(s.state))
      .map((s) => ({ name: s.name, identity: this.upstreams.serverIdentity(s.name) }));
  }

  private registerResourceHandlers(server: Server, view: AggregateView, pageSize: number): void {
    server.setRequestHandler(ListResourcesRequestSchema, (request, extra) =>
      this.meter.measure('resources/list', extra, {}, async () => {
        const all = view.resources().map(({ resource, uri }) => wireResource(resource, uri));
        const { page, nextCursor } = pageOf('resources/list', all, request.params?.cursor, pageSize);
        return { resources: page, ...(nextCursor ? { nextCursor } : {}) };
      }),
    );

    server.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
      this.meter.measure('resources/templates/list', extra, {}, async () => {
        const all = view.resourceTemplates().map(wireResourceTemplate);
        const { page, nextCursor } = pageOf('resources/templates/list', all, request.params?.cursor, pageSize);
        return { resourceTemplates: page, ...(nextCursor ? { nextCursor } : {}) };
      }),
    );

    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => {
      const asked = request.params.uri;
      const target = view.resolveUri(asked);
      return this.meter.measure('resources/read', extra, { server: target?.server }, async () => {
        if (!target) throw new McpError(ErrorCode.InvalidParams, `No upstream server offers the resource ${asked}`);
        const result = await this.forward<ReadResourceResult>(target.server, extra, (client, options) => client.readResource({ ...request.params, uri: target.uri }, { ...options, signal: extra.signal }));
        if (target.uri === asked) return result;
        // the contents name the URI the client asked for, as a direct read would
        return { ...result, contents: result.contents.map((c) => (c.uri === target.uri ? { ...c, uri: asked } : c)) };
      });
    });
  }

  /** Subscriptions are kept per session and routed by URI like reads (resource-subscriptions.ts). */
  private registerSubscriptionHandlers(server: Server, view: AggregateView): void {
    const change = (method: string, uri: string, extra: RequestContext, apply: (target: UriTarget, origin: RequestOrigin) => Promise<void>) => {
      const target = view.resolveUri(uri);
      if (!target) throw new McpError(ErrorCode.InvalidParams, `No upstream server offers the resource ${uri}`);
      return this.meter.measure(method, extra, { server: target.server }, async () => {
        const origin = originOf(extra);
        if (!origin && method === 'resources/subscribe') throw new McpError(ErrorCode.InvalidRequest, 'resources/subscribe needs a session');
        if (origin) await orMcpError(apply(target, origin));
        return {};
      });
    };
    server.setRequestHandler(SubscribeRequestSchema, (request, extra) =>
      change('resources/subscribe', request.params.uri, extra, (target, origin) => this.subscriptions.subscribe(target.server, target.uri, origin, request.params.uri)),
    );
    server.setRequestHandler(UnsubscribeRequestSchema, (request, extra) =>
      change('resources/unsubscribe', request.params.uri, extra, (target, origin) => this.subscriptions.unsubscribe(target.server, target.uri, origin)),
    );
  }

  /** The session's level filters what it is sent; upstream sessions of its own are told too. */
  private async setLevel(sessionId: string, level: LoggingLevel): Promise<void> {
    this.levels.set(sessionId, level);
    const own = await this.upstreams.ownClients(sessionId);
    await Promise.all(own.filter(([, client]) => client.getServerCapabilities()?.logging).map(([, client]) => client.setLoggingLevel(level).catch(() => undefined)));
  }

  private registerPromptHandlers(server: Server, view: AggregateView, pageSize: number): void {
    server.setRequestHandler(ListPromptsRequestSchema, (request, extra) =>
      this.meter.measure('prompts/list', extra, {}, async () => {
        const all = view.prompts().map(({ prompt, exposed }) => wirePrompt(prompt, exposed));
        const { page, nextCursor } = pageOf('prompts/list', all, request.params?.cursor, pageSize);
        return { prompts: page, ...(nextCursor ? { nextCursor } : {}) };
      }),
    );

    server.setRequestHandler(GetPromptRequestSchema, (request, extra) => {
      const entry = view.resolvePrompt(request.params.name);
      return this.meter.measure('prompts/get', extra, { server: entry?.server }, () => {
        if (!entry) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
        return this.forward(entry.server, extra, (client, options) => client.getPrompt({ ...request.params, name: entry.name }, { ...options, signal: extra.signal }));
      });
    });
  }

  private registerCompletionHandler(server: Server, view: AggregateView): void {
    server.setRequestHandler(CompleteRequestSchema, (request, extra) => {
      const ref = request.params.ref;
      const entry = ref.type === 'ref/prompt' ? view.resolvePrompt(ref.name) : undefined;
      const resource = ref.type === 'ref/resource' ? view.resolveUri(ref.uri) : undefined;
      const target = entry?.server ?? resource?.server;
      return this.meter.measure('completion/complete', extra, { server: target }, () => {
        if (!target) throw new McpError(ErrorCode.InvalidParams, 'Unknown completion reference');
        const upstreamRef = ref.type === 'ref/prompt' ? { ...ref, name: entry!.name } : { ...ref, uri: resource!.uri };
        return this.forward(target, extra, (client, options) => client.complete({ ...request.params, ref: upstreamRef }, { ...options, signal: extra.signal }));
      });
    });
  }

  /** Exposed names of every available tool, rebuilt only when the catalog changed. */
  private toolNames(): NameMap {
    if (this.toolNamesCache?.version !== this.catalog.version) {
      const names = new NameMap(this.catalog.tools({ available: true }).map((t) => ({ server: t.serverName, name: t.name })), this.config.mcp.toolSeparator);
      this.toolNamesCache = { version: this.catalog.version, names };
    }
    return this.toolNamesCache.names;
  }

  private async callTool(name: string, target: ToolTarget | undefined, args: Record<string, unknown>, context: ToolCallContext, view: AggregateView): Promise<CallToolResult> {
    switch (target?.kind) {
      case 'meta':
        return this.metaTools.call(name, args, view, (inner, innerArgs) => this.callTool(inner, view.toolTarget(inner), innerArgs, context, view));
      case 'hub': {
        const { tool } = target;
        const principal = view.principal;
        if (!mayCall(tool, principal)) {
          const message = `${name} needs the "${tool.scope}" scope (as its REST route does); the key "${principal!.name}" has ${principal!.scopes.join(', ')}`;
          return jsonToolResult({ error: 'INSUFFICIENT_SCOPE', message }, true);
        }
        return this.answered(name, () => tool.call(args, { signal: context.signal, sessionId: context.sessionId, actor: actorOf(principal) }));
      }
      case 'upstream': {
        const { entry } = target;
        const progress = new ProgressRelay(context);
        return this.answered(name, async () => {
          const result = await this.toolCalls.call(entry.server, entry.name, args, { signal: context.signal, caller: context.sessionId ?? 'mcp', onprogress: progress.listener, origin: originOf(context) });
          await progress.flushed();
          return result;
        });
      }
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
  }

  /** Bad arguments become a tool result with isError (SEP-1303); every other failure an MCP error. */
  private async answered(tool: string, call: () => Promise<CallToolResult>): Promise<CallToolResult> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ValidationFailedError) return invalidArgumentsResult(tool, error.problems);
      throw toMcpError(error);
    }
  }

  private forward<T>(server: string, extra: RequestContext, send: Parameters<UpstreamManager['request']>[1]): Promise<T> {
    return orMcpError(this.upstreams.request(server, send, undefined, originOf(extra))) as Promise<T>;
  }
}
