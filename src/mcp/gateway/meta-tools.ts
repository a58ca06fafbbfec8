import type { Tool } from '@modelcontextprotocol/sdk/types.js';

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
