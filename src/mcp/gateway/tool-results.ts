import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FieldProblem } from '../../platform/errors/app-error';

/**
 * Arguments that do not fit a tool's input schema, as a tool result with isError (MCP 2025-11-25,
 * SEP-1303): the model reads which field is wrong and can correct the call. Nothing was sent upstream.
 * No structuredContent: a client would check it against the tool's outputSchema.
 */
export function invalidArgumentsResult(tool: string, problems: FieldProblem[]): CallToolResult {
  const lines = problems.map((p) => `${p.field}: ${p.reason}`);
  return {
    content: [{ type: 'text', text: `Invalid arguments for tool ${tool}: ${lines.join('; ')}` }],
    isError: true,
  };
}
