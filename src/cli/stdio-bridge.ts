import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioBridgeOptions {
  url: URL;
  headers: Record<string, string>;
  log: (line: string) => void;
}

/**
 * Joins a desktop client speaking MCP over stdin/stdout to the hub's Streamable HTTP endpoint:
 * every message is passed on unchanged in both directions. Resolves when either side closes.
 */
export async function runStdioBridge(options: StdioBridgeOptions): Promise<void> {
  const local = new StdioServerTransport();
  const remote = new StreamableHTTPClientTransport(options.url, { requestInit: { headers: options.headers } });
  let closing = false;

  const closed = new Promise<void>((resolve) => {
    const close = (why: string) => {
      if (closing) return;
      closing = true;
      options.log(`bridge closing: ${why}`);
      void Promise.allSettled([remote.terminateSession().catch(() => undefined), remote.close(), local.close()]).then(() => resolve());
    };
    local.onclose = () => close('the client closed stdin');
    remote.onclose = () => close('the hub closed the connection');
  });

  local.onmessage = (message: JSONRPCMessage) => {
    remote.send(message).catch((error: Error) => {
      options.log(`could not reach the hub at ${options.url}: ${error.message}`);
      if ('id' in message && 'method' in message) {
        void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `MCP Hub unreachable at ${options.url}: ${error.message}` } });
      }
    });
  };
  remote.onmessage = (message: JSONRPCMessage) => {
    const result = 'result' in message ? (message.result as { protocolVersion?: unknown }) : undefined;
    if (typeof result?.protocolVersion === 'string') remote.setProtocolVersion(result.protocolVersion);
    void local.send(message);
  };
  local.onerror = (error) => options.log(`stdio error: ${error.message}`);
  remote.onerror = (error) => options.log(`hub stream error: ${error.message}`);

  await remote.start();
  await local.start();
  options.log(`bridging stdio to ${options.url}`);
  await closed;
}
