import { Injectable } from '@nestjs/common';
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { AppConfig } from '../../platform/config/app-config';
import { HealthContributions } from '../../platform/stores/dependency-probe';
import { HubInstanceService, WorkspaceEntry } from '../../platform/instance/hub-instance.service';
import { HUB_VERSION } from '../../platform/version';
import { CatalogService } from '../catalog/catalog.service';
import { wirePrompt, wireResource, wireResourceTemplate, wireTool } from '../catalog/catalog-wire';
import { PromptRenderService } from '../prompts/prompt-render.service';
import { ResourceReadService } from '../resources/resource-read.service';
import { ServersConfigService } from '../servers-config/servers-config.service';
import { ServersService } from '../servers/servers.service';
import { ToolCallService } from '../tools/tool-call.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { ClientPresence } from '../auto-shutdown/client-presence';
import { UpstreamOAuth } from '../oauth/upstream-oauth.service';
import { McpHubServer, mcpHubStatus, toMcpHubServer } from './mcp-hub-server';

const SETTLING = new Set(['connecting', 'waiting']);

/** mcp-hub 4.2.1's REST operations, each a thin call into the hub's own services. */
@Injectable()
export class McpHubCompatService {
  constructor(
    private readonly config: AppConfig,
    private readonly upstreams: UpstreamManager,
    private readonly serversConfig: ServersConfigService,
    private readonly servers: ServersService,
    private readonly catalog: CatalogService,
    private readonly tools: ToolCallService,
    private readonly resources: ResourceReadService,
    private readonly prompts: PromptRenderService,
    private readonly instances: HubInstanceService,
    private readonly presence: ClientPresence,
    private readonly oauth: UpstreamOAuth,
    health: HealthContributions,
  ) {
    health.addDialect({ format: 'mcp-hub', key: 'mcpHub', render: (summary) => this.health(summary) });
  }

  list(): McpHubServer[] {
    return this.upstreams.statuses().map((status) => this.server(status.name));
  }

  /** One server in mcp-hub's shape; 404 SERVER_NOT_FOUND when unknown. */
  server(name: string): McpHubServer {
    const capabilities = {
      tools: this.catalog.tools({ server: name }).map((t) => wireTool(t)),
      resources: this.catalog.resources(name).map((r) => wireResource(r)),
      resourceTemplates: this.catalog.resourceTemplates(name).map(wireResourceTemplate),
      prompts: this.catalog.prompts(name).map((p) => wirePrompt(p)),
    };
    // whoever opens the URL decides whose account the hub acts as: shown where every caller is an admin anyway
    const authorizationUrl = this.config.auth.mode === 'none' ? this.oauth.pendingUrl(name) : undefined;
    return toMcpHubServer(this.upstreams.status(name), this.upstreams.definition(name), capabilities, authorizationUrl);
  }

  /** Starts the server; one that is disabled is enabled first (in its file, or in PostgreSQL for an API server). */
  async start(name: string): Promise<McpHubServer> {
    if (this.upstreams.definition(name).disabled) await this.setDisabled(name, false);
    else this.upstreams.start(name);
    return this.server(name);
  }

  /** Stops the server; with `disable` it stays off across restarts until started again. */
  async stop(name: string, disable: boolean): Promise<McpHubServer> {
    if (disable) await this.setDisabled(name, true);
    else await this.upstreams.stop(name);
    return this.server(name);
  }

  /** The URL that authorizes the hub at a remote server (OAuth). */
  authorize(name: string): Promise<string> {
    return this.oauth.authorize(this.upstreams.definition(name));
  }

  async refresh(name: string): Promise<McpHubServer> {
    await this.upstreams.refreshCatalog(name);
    return this.server(name);
  }

  async refreshAll(): Promise<McpHubServer[]> {
    await Promise.all(this.upstreams.statuses().map((s) => this.upstreams.refreshCatalog(s.name)));
    return this.list();
  }

  /** mcp-hub's restart: the config files are read again and every server reconnects. */
  async restart(): Promise<void> {
    await this.serversConfig.reload('restart over the API');
    await Promise.all(this.upstreams.statuses().filter((s) => s.state !== 'disabled').map((s) => this.upstreams.restart(s.name)));
  }

  callTool(server: string, tool: string, args: Record<string, unknown>, timeoutMs?: number): Promise<CallToolResult> {
    return this.tools.call(server, tool, args, { timeoutMs });
  }

  async readResource(server: string, uri: string): Promise<ReadResourceResult> {
    return (await this.resources.read(uri, server)).result;
  }

  getPrompt(server: string, prompt: string, args: Record<string, unknown>): Promise<GetPromptResult> {
    return this.prompts.render(server, prompt, args);
  }

  /** Live hubs keyed by port, as mcp-hub's workspaces.json (dead ones are listed with state "dead"). */
  async workspaces(): Promise<Record<string, WorkspaceEntry>> {
    const entries = await this.instances.workspaces();
    const byPort: Record<string, WorkspaceEntry> = {};
    // newest first: an older row for the same port is a hub that ran there before
    for (const entry of entries) byPort[String(entry.port)] ??= entry;
    return byPort;
  }

  /**
   * mcp-hub's health body. As a summary (the `mcpHub` key of the public GET /api/health) it holds
   * counts only: no server names, errors or paths.
   */
  async health(summary = false): Promise<Record<string, unknown>> {
    const statuses = this.upstreams.statuses();
    const state = statuses.some((s) => SETTLING.has(s.state)) ? 'starting' : 'ready';
    const head = { status: 'ok', state, server_id: 'mcp-hub', version: HUB_VERSION, activeClients: this.presence.streams, timestamp: new Date().toISOString() };
    if (summary) {
      // the public health route: states only, no server's lists are built
      const byStatus: Record<string, number> = { connected: 0, connecting: 0, disconnected: 0, unauthorized: 0, disabled: 0 };
      for (const status of statuses) byStatus[mcpHubStatus(status.state)]++;
      return { ...head, servers: { total: statuses.length, ...byStatus }, connections: { totalConnections: this.presence.streams, mcpSessions: this.presence.sessions } };
    }
    const servers = this.list();
    const live = servers.filter((s) => s.status === 'connected');
    const count = (list: keyof McpHubServer['capabilities']) => live.reduce((n, s) => n + s.capabilities[list].length, 0);
    const registered = { tools: count('tools'), resources: count('resources'), resourceTemplates: count('resourceTemplates'), prompts: count('prompts') };
    return {
      ...head,
      servers,
      connections: { totalConnections: this.presence.streams, connections: [] },
      mcpEndpoint: { activeClients: this.presence.sessions, registeredCapabilities: registered, totalCapabilities: Object.values(registered).reduce((a, b) => a + b, 0) },
      workspaces: { current: String(this.config.http.port), allActive: await this.workspaces() },
    };
  }

  private async setDisabled(name: string, disabled: boolean): Promise<void> {
    if (this.upstreams.definition(name).source === 'file') await this.serversConfig.setFileServerDisabled(name, disabled);
    else await this.servers.update(name, { disabled });
  }
}
