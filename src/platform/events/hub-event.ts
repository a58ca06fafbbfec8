/**
 * What features publish on the in-process bus. `type` follows the telemetry event types
 * (mcp.server.state, mcp.tool.call, ...); `subject` names the thing it is about (a server, a tool).
 */
export interface HubEvent<T extends Record<string, unknown> = Record<string, unknown>> {
  type: string;
  subject?: string;
  time: string;
  data: T;
}
