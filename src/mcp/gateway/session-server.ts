import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import type { ToolCallHandler } from './direct-tool-calls';

/** What serves one client session: the SDK server for every message but tools/call, which `callTool` answers. */
export interface SessionServer {
  server: Server;
  callTool: ToolCallHandler;
}

/**
 * One JSON Schema validator for every session's SDK server. Without it each `new Server()` builds its
 * own Ajv instance, about 20 KB — most of what an idle session costs.
 */
export const SHARED_SCHEMA_VALIDATOR = new AjvJsonSchemaValidator();
