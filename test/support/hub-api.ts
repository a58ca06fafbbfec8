import { HubProcess, sleep } from './hub-process';
import { Json, jsonOf } from './http';

/** Small REST client for tests against a running hub. */
export class HubApi {
  constructor(private readonly hub: HubProcess) {}

  async get(path: string): Promise<{ status: number; body: Json }> {
    const response = await fetch(this.hub.url(path));
    return { status: response.status, body: await jsonOf(response) };
  }

  async send(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(this.hub.url(path), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async server(name: string): Promise<Json> {
    return (await this.get(`/api/servers/${name}`)).body;
  }

  /** Polls GET /api/servers/:name until `predicate` holds. */
  async waitForServer(name: string, predicate: (server: Json) => boolean, timeoutMs = 30000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    let last: Json;
    while (Date.now() < deadline) {
      last = await this.server(name);
      if (predicate(last)) return last;
      await sleep(50);
    }
    throw new Error(`server ${name} never matched; last: ${JSON.stringify(last)}`);
  }

  waitForState(name: string, state: string, timeoutMs?: number): Promise<Json> {
    return this.waitForServer(name, (s) => s.state === state, timeoutMs);
  }

  callTool(server: string, tool: string, args: Record<string, unknown>): Promise<{ status: number; body: Json }> {
    return this.send('POST', `/api/tools/${server}/${tool}/call`, { arguments: args });
  }
}
