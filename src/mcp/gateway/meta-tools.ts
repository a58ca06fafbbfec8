import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { CatalogService } from '../catalog/catalog.service';
import { jsonToolResult } from '../hub-tools/hub-tool-registry';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import type { AggregateView, ExposedTool } from './aggregate-view';
import { Bm25Index } from './bm25';
import { invalidArgumentsResult } from './tool-results';
import { ToolEmbeddings } from './tool-embeddings.service';

export const META_TOOL_PREFIX = 'hub__';

export const META_TOOLS: Tool[] = [
  {
    name: 'hub__list_servers',
    title: 'List upstream MCP servers',
    description: 'Lists every upstream MCP server behind this hub with its state (connected, degraded, failed, ...), the reason, and how many tools it offers.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  },
  {
    name: 'hub__search_tools',
    title: 'Search tools',
    description: 'Finds tools of every upstream server by what they do (ranked by BM25 over names and descriptions). Returns full names usable with hub__call_tool, descriptions and input schemas.',
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, description: 'What the tool should do, e.g. "add two numbers"' },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
      },
      required: ['query'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  },
  {
    name: 'hub__call_tool',
    title: 'Call any tool',
    description: 'Calls any tool of any upstream server by its full name (<server>__<tool>, as hub__search_tools returns it), for clients that list only a few tools.',
    inputSchema: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, description: 'Full tool name, e.g. everything__get-sum' },
        arguments: { type: 'object', description: "The tool's arguments" },
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
];

/** Calls a tool by its exposed name in the same session (for hub__call_tool). */
export type CallByName = (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;

/** What the hub__ meta-tools do, within what the session's view shows. */
@Injectable()
export class MetaTools {
  private readonly logger = new Logger('McpGateway');

  constructor(
    private readonly catalog: CatalogService,
    private readonly upstreams: UpstreamManager,
    private readonly embeddings: ToolEmbeddings,
  ) {}

  async call(name: string, args: Record<string, unknown>, view: AggregateView, callByName: CallByName): Promise<CallToolResult> {
    switch (name) {
      case 'hub__list_servers':
        return jsonToolResult({
          servers: this.upstreams
            .statuses()
            .filter((s) => view.allowsServer(s.name))
            .map((s) => ({ name: s.name, state: s.state, reason: s.reason, transport: s.transport ?? null, tools: this.catalog.counts(s.name).tools })),
        });
      case 'hub__search_tools':
        return this.search(args, view);
      case 'hub__call_tool': {
        if (typeof args.name !== 'string') return invalidArgumentsResult(name, [{ field: 'arguments.name', reason: 'must be a tool name such as everything__echo' }]);
        if (args.name.startsWith(META_TOOL_PREFIX)) return invalidArgumentsResult(name, [{ field: 'arguments.name', reason: 'hub__call_tool cannot call meta-tools' }]);
        if (args.arguments !== undefined && (typeof args.arguments !== 'object' || args.arguments === null || Array.isArray(args.arguments))) {
          return invalidArgumentsResult(name, [{ field: 'arguments.arguments', reason: 'must be an object' }]);
        }
        return callByName(args.name, (args.arguments ?? {}) as Record<string, unknown>);
      }
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
  }

  private async search(args: Record<string, unknown>, view: AggregateView): Promise<CallToolResult> {
    const query = args.query;
    if (typeof query !== 'string' || query.trim() === '') return invalidArgumentsResult('hub__search_tools', [{ field: 'arguments.query', reason: 'must be a non-empty string' }]);
    const limit = typeof args.limit === 'number' ? Math.min(50, Math.max(1, Math.floor(args.limit))) : 10;
    const visible = view.tools();
    const describe = (entry: ExposedTool, score: number) => ({
      name: entry.exposed,
      server: entry.tool.serverName,
      description: entry.tool.description,
      inputSchema: entry.tool.inputSchema,
      score: Math.round(score * 1000) / 1000,
    });
    const bySimilarity = await this.searchByEmbeddings(query, visible);
    if (bySimilarity) return jsonToolResult({ method: 'embeddings', tools: bySimilarity.slice(0, limit).map(({ entry, score }) => describe(entry, score)) });
    const index = new Bm25Index(visible.map((entry) => ({ item: entry, text: `${entry.tool.name} ${entry.tool.title ?? ''} ${entry.tool.description ?? ''}` })));
    return jsonToolResult({ method: 'bm25', tools: index.search(query, limit).map(({ item, score }) => describe(item, score)) });
  }

  /** Visible tools ranked by embedding similarity; null (BM25 then) when embeddings are off, not ready or failing. */
  private async searchByEmbeddings(query: string, visible: ExposedTool[]): Promise<{ entry: ExposedTool; score: number }[] | null> {
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
}
