import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { ToolCallHandler } from './direct-tool-calls';

/** What serves one client session: the SDK server for every message but tools/call, which `callTool` answers. */
export interface SessionServer {
  server: Server;
  callTool: ToolCallHandler;
}
