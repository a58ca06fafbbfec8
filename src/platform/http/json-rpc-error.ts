import type { ServerResponse } from 'node:http';

/** Answers with a JSON-RPC error body (id null), as MCP transports do for HTTP-level failures. */
export function writeJsonRpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
