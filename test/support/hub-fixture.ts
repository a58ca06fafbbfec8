import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubApi } from './hub-api';
import { HubProcess } from './hub-process';
import { dropDatabase, freshDatabaseUrl } from './test-database';

/** A started hub with its own database, Redis key prefix and servers file in a temporary folder. */
export class HubFixture {
  private constructor(
    readonly hub: HubProcess,
    readonly api: HubApi,
    readonly dir: string,
    readonly databaseUrl: string,
  ) {}

  get serversFile(): string {
    return join(this.dir, 'servers.json');
  }

  /**
   * `servers` is the servers file content (an object, or a function of the temporary folder for
   * paths inside it); the hub starts once it is written, and `ready` names servers to wait for.
   */
  static async start(
    name: string,
    servers: object | ((dir: string) => object),
    options: { env?: Record<string, string>; ready?: string[] } = {},
  ): Promise<HubFixture> {
    const dir = await mkdtemp(join(tmpdir(), `hub-${name}-`));
    const databaseUrl = freshDatabaseUrl();
    const content = typeof servers === 'function' ? servers(dir) : servers;
    await writeFile(join(dir, 'servers.json'), JSON.stringify(content, null, 2));
    const hub = await HubProcess.start({ DATABASE_URL: databaseUrl, MCP_SERVERS_CONFIG: join(dir, 'servers.json'), REDIS_KEY_PREFIX: `test-${name}-${process.pid}:`, ...options.env });
    const api = new HubApi(hub);
    for (const server of options.ready ?? []) await api.waitForServer(server, (s) => s.state === 'connected' && s.catalog.tools > 0);
    return new HubFixture(hub, api, dir, databaseUrl);
  }

  async stop(): Promise<void> {
    await this.hub.stop();
    await rm(this.dir, { recursive: true, force: true });
    await dropDatabase(this.databaseUrl);
  }
}
